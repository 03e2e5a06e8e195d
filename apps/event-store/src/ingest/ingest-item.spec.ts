import { checkIngestItem, publishOptionsOf } from './ingest-item.js';

const errorsOf = (raw: unknown) => {
  const checked = checkIngestItem(raw);
  return checked.ok ? [] : checked.errors;
};

describe(checkIngestItem.name, () => {
  it('accepts an event with only type and data, null data included', () => {
    expect(checkIngestItem({ type: 'page.viewed', data: { path: '/' } })).toMatchObject({ ok: true, event: { type: 'page.viewed' } });
    expect(checkIngestItem({ type: 'page.viewed', data: null }).ok).toBe(true);
  });

  it('names the field of every problem', () => {
    expect(errorsOf({ data: 1 })).toEqual(['type: is required']);
    expect(errorsOf({ type: 'Vendor Created', data: 1 })).toEqual([
      'type: must be lowercase "resource.action" tokens of [a-z0-9_-] joined by dots, e.g. "vendor.created"',
    ]);
    expect(errorsOf({ type: 'vendor.created' })).toEqual(['data: is required (any JSON value, e.g. {})']);
    expect(
      errorsOf({ type: 'x.y', data: {}, id: '', time: 'yesterday', level: 'fatal', source: '', actor: 7, colour: 'red' }),
    ).toEqual([
      'id: should not be empty',
      'source: should not be empty',
      'time: must be an RFC 3339 timestamp with its offset, e.g. 2025-03-01T10:00:00Z',
      'level: must be one of debug, info, success, warn, error',
      'actor: must be a string',
      expect.stringMatching(/^colour: is not an event field; use type, data, id, /),
    ]);
  });

  it('refuses what is not an object, and treats __proto__ as an unknown field', () => {
    expect(errorsOf('vendor.created')).toEqual(['event: must be a JSON object with at least "type" and "data"']);
    expect(errorsOf([{ type: 'x.y', data: 1 }])).toHaveLength(1);
    const sneaky = JSON.parse('{"type":"x.y","data":1,"__proto__":{"polluted":true}}') as unknown;
    expect(errorsOf(sneaky)).toEqual([expect.stringMatching(/^__proto__: is not an event field/)]);
  });
});

describe(publishOptionsOf.name, () => {
  it('defaults the source to http-ingest and drops nulls', () => {
    const checked = checkIngestItem({ type: 'x.y', data: 1, subject: null, actor: 'ana', time: '2025-03-01T10:00:00.5+02:00' });
    if (!checked.ok) throw new Error(checked.errors.join());
    expect(publishOptionsOf(checked.event)).toEqual({ source: 'http-ingest', actor: 'ana', time: '2025-03-01T10:00:00.5+02:00' });
  });

  it('refuses a free-text audience naming the allowed values', () => {
    expect(errorsOf({ type: 'x.y', data: {}, audience: 'customers', category: 'notice' })).toEqual([
      'audience: must be one or more of user, admin, superadmin, all, comma-separated (e.g. "user,admin")',
      'category: must be one capitalised word of letters and digits, e.g. Notification, Error, Info',
    ]);
  });
});
