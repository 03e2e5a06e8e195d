import { toEventItem } from './event-item.js';
import type { EventRow } from '../store/stored-event-row.js';

const row = (over: Partial<EventRow> = {}): EventRow => ({
  id: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  stream_seq: '42',
  type: 'vendor.created',
  source: 'vendor-service',
  subject: null,
  resource_type: null,
  resource_id: null,
  level: 'info',
  audience: null,
  actor: null,
  correlation_id: null,
  causation_id: null,
  dataschema: null,
  time: new Date('2025-03-01T22:00:00.123Z'),
  time_utc: '2025-03-01T22:00:00.123000Z',
  received_at: new Date('2025-03-01T22:00:01.000Z'),
  data: { name: 'Taco Stand' },
  extensions: {},
  resolved: false,
  resolved_at: null,
  resolved_by: null,
  message: null,
  message_en: null,
  category: null,
  ...over,
});

describe(toEventItem.name, () => {
  it('rebuilds the envelope without the absent attributes, plus the store fields', () => {
    expect(toEventItem(row())).toEqual({
      specversion: '1.0',
      id: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      source: 'vendor-service',
      type: 'vendor.created',
      time: '2025-03-01T22:00:00.123Z',
      datacontenttype: 'application/json',
      data: { name: 'Taco Stand' },
      level: 'info',
      receivedAt: '2025-03-01T22:00:01.000Z',
      streamSeq: 42,
      resolved: false,
      resolvedAt: null,
      resolvedBy: null,
    });
  });

  it('keeps microseconds that were sent', () => {
    expect(toEventItem(row({ time_utc: '2025-03-01T22:00:00.123456Z' })).time).toBe('2025-03-01T22:00:00.123456Z');
  });

  it('spreads the extensions back, a stored datacontenttype included, but never over a column or a store field', () => {
    const item = toEventItem(row({ extensions: { traceparent: 't', tenant: 'acme', datacontenttype: 'application/vnd.x+json', type: 'x.y', resolved: true } }));
    expect(item).toMatchObject({ traceparent: 't', tenant: 'acme', datacontenttype: 'application/vnd.x+json', type: 'vendor.created', resolved: false });
  });
});
