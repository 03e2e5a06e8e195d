import { planStatsWindow } from './stats-window.js';

const t = (iso: string) => new Date(iso);

describe('planStatsWindow', () => {
  it('reads whole hours from the rollup and the ragged ends from events', () => {
    expect(planStatsWindow(t('2025-03-01T10:30:00.250Z'), t('2025-03-01T14:05:00Z'))).toEqual({
      rollup: { from: t('2025-03-01T11:00:00Z'), to: t('2025-03-01T14:00:00Z') },
      raw: [
        { from: t('2025-03-01T10:30:00.250Z'), to: t('2025-03-01T11:00:00Z') },
        { from: t('2025-03-01T14:00:00Z'), to: t('2025-03-01T14:05:00Z') },
      ],
    });
  });

  it('needs no raw piece for a window on the hour, and leaves open ends open', () => {
    expect(planStatsWindow(t('2025-03-01T00:00:00Z'), t('2025-03-02T00:00:00Z'))).toEqual({ rollup: { from: t('2025-03-01T00:00:00Z'), to: t('2025-03-02T00:00:00Z') }, raw: [] });
    expect(planStatsWindow()).toEqual({ rollup: { from: undefined, to: undefined }, raw: [] });
    expect(planStatsWindow(t('2025-03-01T10:10:00Z'))).toEqual({
      rollup: { from: t('2025-03-01T11:00:00Z'), to: undefined },
      raw: [{ from: t('2025-03-01T10:10:00Z'), to: t('2025-03-01T11:00:00Z') }],
    });
    expect(planStatsWindow(undefined, t('2025-03-01T10:10:00Z'))).toEqual({
      rollup: { from: undefined, to: t('2025-03-01T10:00:00Z') },
      raw: [{ from: t('2025-03-01T10:00:00Z'), to: t('2025-03-01T10:10:00Z') }],
    });
  });

  it('counts a window holding no whole hour from events alone, and an empty window not at all', () => {
    expect(planStatsWindow(t('2025-03-01T10:10:00Z'), t('2025-03-01T10:50:00Z'))).toEqual({ raw: [{ from: t('2025-03-01T10:10:00Z'), to: t('2025-03-01T10:50:00Z') }] });
    expect(planStatsWindow(t('2025-03-01T10:10:00Z'), t('2025-03-01T11:20:00Z'))).toEqual({ raw: [{ from: t('2025-03-01T10:10:00Z'), to: t('2025-03-01T11:20:00Z') }] });
    expect(planStatsWindow(t('2025-03-01T10:00:00Z'), t('2025-03-01T10:00:00Z'))).toEqual({ raw: [] });
  });
});
