import { envelopeOf, envelopeTime } from './stored-envelope.js';
import type { EventRow } from './stored-event-row.js';

const row = (extra: Partial<EventRow> = {}): EventRow => ({
  stream_seq: '1',
  id: '0195a0e4-7b1c-7000-8000-000000000001',
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
  data: { name: 'Taco Stand' },
  extensions: {},
  time: new Date('2025-03-01T10:00:00.123Z'),
  received_at: new Date('2025-03-01T10:00:00.200Z'),
  resolved: false,
  resolved_at: null,
  resolved_by: null,
  message: null,
  message_en: null,
  category: null,
  time_utc: '2025-03-01T10:00:00.123000Z',
  ...extra,
});

describe(envelopeOf.name, () => {
  it('rebuilds a minimal envelope with the same id and the millisecond time publishEvent wrote', () => {
    expect(envelopeOf(row())).toEqual({
      specversion: '1.0',
      id: '0195a0e4-7b1c-7000-8000-000000000001',
      source: 'vendor-service',
      type: 'vendor.created',
      time: '2025-03-01T10:00:00.123Z',
      datacontenttype: 'application/json',
      data: { name: 'Taco Stand' },
      level: 'info',
    });
  });

  it('maps every column back to its attribute and adds the extensions', () => {
    const event = envelopeOf(
      row({
        subject: 'v-1',
        resource_type: 'vendor',
        resource_id: 'v-1',
        level: 'warn',
        audience: 'ops',
        actor: 'ana',
        correlation_id: 'c-1',
        causation_id: 'k-1',
        dataschema: 'mesh:schema:vendor.created:v1',
        data: null,
        extensions: { traceparent: '00-abc-def-01', tenant: 'acme', datacontenttype: 'application/vnd.acme+json', id: 'not-this-one' },
      }),
    );
    expect(event).toEqual({
      specversion: '1.0',
      id: '0195a0e4-7b1c-7000-8000-000000000001',
      source: 'vendor-service',
      type: 'vendor.created',
      time: '2025-03-01T10:00:00.123Z',
      subject: 'v-1',
      datacontenttype: 'application/vnd.acme+json',
      dataschema: 'mesh:schema:vendor.created:v1',
      data: null,
      level: 'warn',
      resourcetype: 'vendor',
      resourceid: 'v-1',
      actor: 'ana',
      audience: 'ops',
      correlationid: 'c-1',
      causationid: 'k-1',
      traceparent: '00-abc-def-01',
      tenant: 'acme',
    });
  });

  it('keeps a stored __proto__ extension a plain attribute', () => {
    const event = envelopeOf(row({ extensions: JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown> }));
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.keys(event)).toContain('__proto__');
  });
});

describe(envelopeTime.name, () => {
  it('keeps microseconds only when there are some', () => {
    expect(envelopeTime('2025-03-01T10:00:00.120000Z')).toBe('2025-03-01T10:00:00.120Z');
    expect(envelopeTime('2025-03-01T10:00:00.000001Z')).toBe('2025-03-01T10:00:00.000001Z');
  });
});
