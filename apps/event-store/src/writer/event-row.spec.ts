import { createEnvelope, parseEnvelope } from '@app/events/internal';
import { toEventRow } from './event-row.js';

const received = new Date('2025-03-01T10:00:00.123Z');

describe(toEventRow.name, () => {
  it('maps every envelope attribute to its column and keeps the others in extensions', () => {
    const event = createEnvelope('order.paid', { total: 12.5, items: ['a'] }, 'shop', {
      id: '0193c7a0-0000-7000-8000-000000000001',
      time: '2025-03-01T09:59:59.999999Z',
      subject: 'ord_1',
      level: 'warn',
      resourceType: 'order',
      resourceId: 'ord_1',
      actor: 'user:7',
      audience: 'admin',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      extensions: { tenant: 'acme', attempt: 2, beta: true },
    });
    event.dataschema = 'mesh:schema:order.paid:v1';
    expect(toEventRow(event, 42, received)).toEqual({
      id: '0193c7a0-0000-7000-8000-000000000001',
      stream_seq: 42,
      type: 'order.paid',
      source: 'shop',
      subject: 'ord_1',
      resource_type: 'order',
      resource_id: 'ord_1',
      level: 'warn',
      audience: 'admin',
      actor: 'user:7',
      correlation_id: 'corr-1',
      causation_id: 'cause-1',
      dataschema: 'mesh:schema:order.paid:v1',
      time: '2025-03-01T09:59:59.999999Z',
      received_at: '2025-03-01T10:00:00.123Z',
      data: { total: 12.5, items: ['a'] },
      extensions: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tenant: 'acme', attempt: 2, beta: true },
    });
  });

  it('leaves absent attributes and the stream sequence of a replay out (NULL)', () => {
    const row = toEventRow(createEnvelope('vendor.created', null, 'vendor-service'), undefined, received);
    expect(JSON.parse(JSON.stringify(row))).toEqual({
      id: row.id,
      type: 'vendor.created',
      source: 'vendor-service',
      level: 'info',
      time: row.time,
      received_at: '2025-03-01T10:00:00.123Z',
      data: null,
      extensions: {},
    });
  });

  it('keeps a non-default datacontenttype, a __proto__ key and non-string attribute values without losing them', () => {
    const event = parseEnvelope(
      JSON.stringify({
        specversion: '1.0',
        id: 'e1',
        source: 's',
        type: 'a.b',
        time: '2025-01-01T00:00:00Z',
        datacontenttype: 'application/vnd.custom+json',
        data: 1,
        resourceid: 1234,
        __proto__: { polluted: true },
      }),
    );
    const row = toEventRow(event, 1, received);
    expect(row.resource_id).toBe('1234');
    expect(JSON.parse(JSON.stringify(row.extensions))).toEqual({ datacontenttype: 'application/vnd.custom+json', __proto__: { polluted: true } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
