import { jest } from '@jest/globals';
import { createEnvelope, toEventMessage } from './cloud-event.js';
import { InvalidEventTypeError } from './event-type.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(createEnvelope.name, () => {
  it('builds a CloudEvents 1.0 envelope with the required attributes', () => {
    const before = Date.now();
    const event = createEnvelope('vendor.created', { id: 'v1', name: 'Acme' }, 'vendor-service');
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(UUID_V7),
      source: 'vendor-service',
      type: 'vendor.created',
      time: expect.any(String),
      datacontenttype: 'application/json',
      data: { id: 'v1', name: 'Acme' },
      level: 'info',
    });
    expect(new Date(event.time).toISOString()).toBe(event.time);
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event.time)).toBeLessThanOrEqual(Date.now());
  });

  it('gives each event a fresh UUID v7 id', () => {
    const a = createEnvelope('vendor.created', {}, 's');
    const b = createEnvelope('vendor.created', {}, 's');
    expect(a.id).toMatch(UUID_V7);
    expect(b.id).toMatch(UUID_V7);
    expect(a.id).not.toBe(b.id);
  });

  it('takes time and id prefix from one clock reading, formatted anew when the millisecond changes', () => {
    const clock = jest.spyOn(Date, 'now');
    try {
      const at = [Date.UTC(2026, 0, 2, 3, 4, 5, 6), Date.UTC(2026, 0, 2, 3, 4, 5, 6), Date.UTC(2026, 0, 2, 3, 4, 5, 7)];
      const events = at.map((ms) => {
        clock.mockReturnValueOnce(ms);
        return createEnvelope('vendor.created', {}, 'vendor-service');
      });
      expect(events.map((e) => e.time)).toEqual(['2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.007Z']);
      // The id's first 48 bits are the same milliseconds.
      expect(events.map((e) => parseInt(e.id.replace(/-/g, '').slice(0, 12), 16))).toEqual(at);
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
    } finally {
      clock.mockRestore();
    }
  });

  it('reuses a given id, source, time and level', () => {
    const event = createEnvelope('vendor.created', null, 'vendor-service', {
      id: 'evt-1',
      source: 'importer',
      time: '2024-01-02T03:04:05.000Z',
      level: 'warn',
    });
    expect(event).toMatchObject({ id: 'evt-1', source: 'importer', time: '2024-01-02T03:04:05.000Z', level: 'warn', data: null });
  });

  it('rejects an invalid type before building anything', () => {
    expect(() => createEnvelope('VendorCreated', {}, 's')).toThrow(InvalidEventTypeError);
    expect(() => createEnvelope('vendor', {}, 's')).toThrow(/Invalid event type "vendor"/);
  });

  it('mirrors subject into resourceid when only subject is given', () => {
    const event = createEnvelope('vendor.updated', {}, 's', { subject: 'v-42' });
    expect(event.subject).toBe('v-42');
    expect(event.resourceid).toBe('v-42');
  });

  it('mirrors resourceId into subject when only resourceId is given', () => {
    const event = createEnvelope('vendor.updated', {}, 's', { resourceId: 'v-42' });
    expect(event.subject).toBe('v-42');
    expect(event.resourceid).toBe('v-42');
  });

  it('keeps subject and resourceId apart when both are given', () => {
    const event = createEnvelope('vendor.updated', {}, 's', { subject: 'sub', resourceId: 'res' });
    expect(event.subject).toBe('sub');
    expect(event.resourceid).toBe('res');
  });

  it('writes the camelCase options as lowercase CloudEvents extensions', () => {
    const event = createEnvelope('vendor.updated', {}, 's', {
      resourceType: 'vendor',
      actor: 'user:7',
      audience: 'admin',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(event).toMatchObject({
      resourcetype: 'vendor',
      actor: 'user:7',
      audience: 'admin',
      correlationid: 'corr-1',
      causationid: 'cause-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(event).not.toHaveProperty('resourceType');
    expect(event).not.toHaveProperty('correlationId');
  });

  it('writes audience as a comma-joined list without repeats, and category and userMessage as extensions', () => {
    const event = createEnvelope('order.created', {}, 's', { audience: ['user', 'admin', 'user'], category: 'Order', userMessage: 'Your order was placed' });
    expect(event).toMatchObject({ audience: 'user,admin', category: 'Order', usermessage: 'Your order was placed' });
    expect(createEnvelope('order.created', {}, 's', { audience: ' user , all' }).audience).toBe('user,all');
  });

  it('refuses a free-text audience naming the allowed values, and a category that is not one capitalised word', () => {
    expect(() => createEnvelope('order.created', {}, 's', { audience: 'customers' })).toThrow(
      'Invalid audience "customers" is not allowed: use one or more of user, admin, superadmin, all, comma-separated',
    );
    expect(() => createEnvelope('order.created', {}, 's', { category: 'billing stuff' })).toThrow(/category must be one capitalised word/);
  });

  it('accepts the success level between info and warn', () => {
    expect(createEnvelope('sms.sent', {}, 's', { level: 'success' }).level).toBe('success');
  });

  it('leaves unset optional attributes out of the envelope', () => {
    const event = createEnvelope('vendor.created', {}, 's');
    for (const key of ['subject', 'resourcetype', 'resourceid', 'actor', 'audience', 'correlationid', 'causationid', 'traceparent', 'dataschema']) {
      expect(event).not.toHaveProperty(key);
    }
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('adds valid custom extensions as top-level attributes', () => {
    const event = createEnvelope('vendor.created', {}, 's', { extensions: { tenant: 'acme', attempt: 2, sampled: true, x1: 'y' } });
    expect(event).toMatchObject({ tenant: 'acme', attempt: 2, sampled: true, x1: 'y' });
  });

  it('accepts an extension name of exactly 20 characters', () => {
    const name = 'a'.repeat(20);
    expect(createEnvelope('vendor.created', {}, 's', { extensions: { [name]: 'v' } })[name]).toBe('v');
  });

  it.each(['Tenant', 'tenant_id', 'tenant-id', 'a'.repeat(21), '', 'tenant id'])('rejects the extension name %j', (name) => {
    expect(() => createEnvelope('vendor.created', {}, 's', { extensions: { [name]: 'v' } })).toThrow(
      `Invalid CloudEvents extension name "${name}": use 1-20 lowercase letters or digits, not a reserved attribute`,
    );
  });

  it.each(['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data', 'level'])(
    'rejects an extension that would overwrite the %s attribute',
    (name) => {
      expect(() => createEnvelope('vendor.created', {}, 's', { extensions: { [name]: 'x' } })).toThrow(/Invalid CloudEvents extension name/);
    },
  );

  it('rejects an extension named like an optional attribute that is already set', () => {
    expect(() => createEnvelope('vendor.created', {}, 's', { subject: 'v1', extensions: { subject: 'other' } })).toThrow(
      /Invalid CloudEvents extension name "subject"/,
    );
  });
});

describe(toEventMessage.name, () => {
  it('derives the subscriber-side EventMessage from the envelope', () => {
    const event = createEnvelope('vendor.created', { id: 'v1' }, 'vendor-service', { id: 'evt-9', time: '2024-05-06T07:08:09.000Z' });
    expect(toEventMessage(event)).toEqual({
      type: 'vendor.created',
      data: { id: 'v1' },
      timestamp: '2024-05-06T07:08:09.000Z',
      messageId: 'evt-9',
    });
  });

  it('passes data through by reference', () => {
    const data = { nested: { n: 1 } };
    expect(toEventMessage(createEnvelope('vendor.created', data, 's')).data).toBe(data);
  });
});
