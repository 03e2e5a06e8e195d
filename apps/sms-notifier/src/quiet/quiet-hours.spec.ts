import { parseQuietHours, quietUntil } from './quiet-hours.js';
import { timeZoneOfPhone } from './phone-time-zone.js';

describe(quietUntil.name, () => {
  const night = parseQuietHours('22:00-08:00')!;

  it('holds 23:00 Tehran time until 08:00 the next morning there', () => {
    // 23:00 in Tehran (UTC+03:30) is 19:30 UTC.
    expect(quietUntil(night, new Date('2026-12-04T19:30:00Z'), 'Asia/Tehran')?.toISOString()).toBe('2026-12-05T04:30:00.000Z');
    expect(quietUntil(night, new Date('2026-12-04T19:30:42.5Z'), 'Asia/Tehran')?.toISOString()).toBe('2026-12-05T04:30:00.000Z');
  });

  it('holds after midnight until 08:00 the same morning, and lets 08:00 and the day through', () => {
    expect(quietUntil(night, new Date('2026-12-05T00:30:00Z'), 'Asia/Tehran')?.toISOString()).toBe('2026-12-05T04:30:00.000Z');
    expect(quietUntil(night, new Date('2026-12-05T04:30:00Z'), 'Asia/Tehran')).toBeUndefined();
    expect(quietUntil(night, new Date('2026-12-05T10:00:00Z'), 'Asia/Tehran')).toBeUndefined();
  });

  it('reads a window within one day, and lands on the local end across a daylight-saving change', () => {
    const lunch = parseQuietHours('12:00-13:30')!;
    expect(quietUntil(lunch, new Date('2026-06-01T12:15:00Z'), 'UTC')?.toISOString()).toBe('2026-06-01T13:30:00.000Z');
    expect(quietUntil(lunch, new Date('2026-06-01T13:30:00Z'), 'UTC')).toBeUndefined();
    // Berlin moves from UTC+1 to UTC+2 at 02:00 on 2026-03-29: 08:00 local is 06:00 UTC.
    expect(quietUntil(night, new Date('2026-03-28T22:00:00Z'), 'Europe/Berlin')?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
  });

  it('refuses windows that are not HH:MM-HH:MM, or empty', () => {
    for (const bad of ['22-08', '24:00-08:00', '22:00-22:00', '', null]) expect(parseQuietHours(bad)).toBeUndefined();
  });
});

describe(timeZoneOfPhone.name, () => {
  it('finds the zone of a one-zone country, and none for a country with several', () => {
    expect(timeZoneOfPhone('+989121234567')).toBe('Asia/Tehran');
    expect(timeZoneOfPhone('+447400123456')).toBe('Europe/London');
    expect(timeZoneOfPhone('+14155550123')).toBeUndefined();
  });
});
