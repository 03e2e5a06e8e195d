import { planStatsWindow } from './stats-window.js';

const t = (iso: string) => new Date(iso);

describe('planStatsWindow', () => {
  it('reads whole days from the daily rollup, whole hours around them from the hourly one, and the ragged ends from events', () => {
    expect(planStatsWindow(t('2025-03-01T10:30:00.250Z'), t('2025-03-03T14:05:00Z'))).toEqual({
      daily: { from: t('2025-03-02T00:00:00Z'), to: t('2025-03-03T00:00:00Z') },
      hourly: [
        { from: t('2025-03-01T11:00:00Z'), to: t('2025-03-02T00:00:00Z') },
        { from: t('2025-03-03T00:00:00Z'), to: t('2025-03-03T14:00:00Z') },
      ],
      raw: [
        { from: t('2025-03-01T10:30:00.250Z'), to: t('2025-03-01T11:00:00Z') },
        { from: t('2025-03-03T14:00:00Z'), to: t('2025-03-03T14:05:00Z') },
      ],
    });
  });

  it('stops at hours when grouping by hour', () => {
    expect(planStatsWindow(t('2025-03-01T10:30:00Z'), t('2025-03-03T14:00:00Z'), { days: false })).toEqual({
      hourly: [{ from: t('2025-03-01T11:00:00Z'), to: t('2025-03-03T14:00:00Z') }],
      raw: [{ from: t('2025-03-01T10:30:00Z'), to: t('2025-03-01T11:00:00Z') }],
    });
    expect(planStatsWindow(undefined, undefined, { days: false })).toEqual({ hourly: [{ from: undefined, to: undefined }], raw: [] });
  });

  it('needs no hourly or raw piece for a window of whole days, and leaves open ends open', () => {
    expect(planStatsWindow(t('2025-03-01T00:00:00Z'), t('2025-03-04T00:00:00Z'))).toEqual({ daily: { from: t('2025-03-01T00:00:00Z'), to: t('2025-03-04T00:00:00Z') }, hourly: [], raw: [] });
    expect(planStatsWindow()).toEqual({ daily: { from: undefined, to: undefined }, hourly: [], raw: [] });
    expect(planStatsWindow(t('2025-03-01T10:10:00Z'))).toEqual({
      daily: { from: t('2025-03-02T00:00:00Z'), to: undefined },
      hourly: [{ from: t('2025-03-01T11:00:00Z'), to: t('2025-03-02T00:00:00Z') }],
      raw: [{ from: t('2025-03-01T10:10:00Z'), to: t('2025-03-01T11:00:00Z') }],
    });
    expect(planStatsWindow(undefined, t('2025-03-01T10:10:00Z'))).toEqual({
      daily: { from: undefined, to: t('2025-03-01T00:00:00Z') },
      hourly: [{ from: t('2025-03-01T00:00:00Z'), to: t('2025-03-01T10:00:00Z') }],
      raw: [{ from: t('2025-03-01T10:00:00Z'), to: t('2025-03-01T10:10:00Z') }],
    });
  });

  it('uses hours alone for a window holding no whole day, events alone for one holding no whole hour, nothing for an empty one', () => {
    expect(planStatsWindow(t('2025-03-01T10:10:00Z'), t('2025-03-02T05:00:00Z'))).toEqual({
      hourly: [{ from: t('2025-03-01T11:00:00Z'), to: t('2025-03-02T05:00:00Z') }],
      raw: [{ from: t('2025-03-01T10:10:00Z'), to: t('2025-03-01T11:00:00Z') }],
    });
    expect(planStatsWindow(t('2025-03-01T10:10:00Z'), t('2025-03-01T10:50:00Z'))).toEqual({ hourly: [], raw: [{ from: t('2025-03-01T10:10:00Z'), to: t('2025-03-01T10:50:00Z') }] });
    expect(planStatsWindow(t('2025-03-01T10:10:00Z'), t('2025-03-01T11:20:00Z'))).toEqual({ hourly: [], raw: [{ from: t('2025-03-01T10:10:00Z'), to: t('2025-03-01T11:20:00Z') }] });
    expect(planStatsWindow(t('2025-03-01T10:00:00Z'), t('2025-03-01T10:00:00Z'))).toEqual({ hourly: [], raw: [] });
  });
});
