import { createEnvelope, NonRetryableError } from '@app/events';
import { DEFAULT_MAPPING } from './default-mapping.js';
import { RecordBuilder, valueAt } from './record-builder.js';

const vendor = {
  id: 'v-1',
  name: 'Taco Stand',
  description: 'al pastor',
  phone: '+14155552671',
  email: 'owner@example.com',
  website: null,
  open: true,
  primaryImage: null,
  lat: 52.52,
  long: 13.4,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-02T00:00:00.000Z',
};

describe(RecordBuilder.name, () => {
  const builder = new RecordBuilder(DEFAULT_MAPPING);

  it('builds the vendors record from vendor.created: mapped fields, objectID and _geoloc from lat/long', () => {
    const event = createEnvelope('vendor.created', vendor, 'vendor-service', { time: '2025-01-01T00:00:00.123456Z' });
    expect(builder.operations(event)).toEqual([
      {
        index: 'vendors',
        objectID: 'v-1',
        action: 'upsert',
        record: {
          objectID: 'v-1',
          name: 'Taco Stand',
          description: 'al pastor',
          phone: '+14155552671',
          website: null,
          open: true,
          primaryImage: null,
          createdAt: '2025-01-01T00:00:00.000Z',
          updatedAt: '2025-01-02T00:00:00.000Z',
          _geoloc: { lat: 52.52, lng: 13.4 },
        },
        searchable: ['Taco Stand', 'al pastor'],
        eventTime: '2025-01-01T00:00:00.123456Z',
        eventId: event.id,
      },
    ]);
  });

  it('reads vendor.updated from data, as vendor.created, and leaves _geoloc out without both coordinates', () => {
    const event = createEnvelope('vendor.updated', { ...vendor, lat: null }, 'vendor-service', { extensions: { changedfields: 'lat' } });
    const [op] = builder.operations(event);
    expect(op.action).toBe('upsert');
    expect(op.record).not.toHaveProperty('_geoloc');
    expect(op.record).not.toHaveProperty('email'); // not a mapped field
    expect(op.record?.name).toBe('Taco Stand');
  });

  it('turns vendor.deleted into a delete of the objectID, without a record', () => {
    const [op] = builder.operations(createEnvelope('vendor.deleted', vendor, 'vendor-service'));
    expect(op).toMatchObject({ index: 'vendors', objectID: 'v-1', action: 'delete' });
    expect(op.record).toBeUndefined();
  });

  it('gives no operation for a type the mapping does not name', () => {
    expect(builder.operations(createEnvelope('order.created', { id: 'o-1' }, 'shop'))).toEqual([]);
  });

  it('reads the resource at a rule\'s `from` path, for a producer that wraps it', () => {
    const [index] = DEFAULT_MAPPING.indexes;
    const wrapped = new RecordBuilder({ indexes: [{ ...index, events: { 'vendor.updated': { action: 'upsert', from: 'vendor' } } }] });
    const [op] = wrapped.operations(createEnvelope('vendor.updated', { vendor, changes: ['name'] }, 'vendor-service'));
    expect(op).toMatchObject({ objectID: 'v-1', action: 'upsert', record: { name: 'Taco Stand' } });
    const unwrapped = createEnvelope('vendor.updated', vendor, 'vendor-service');
    expect(() => wrapped.operations(unwrapped)).toThrow(NonRetryableError);
    expect(() => wrapped.operations(unwrapped)).toThrow(/data\.vendor is not an object/);
    expect(() => wrapped.operations(createEnvelope('vendor.updated', { vendor: { name: 'x' } }, 'vendor-service'))).toThrow(/data\.vendor\.id \(the objectID of vendors\) is missing/);
  });

  it('refuses, as non-retryable, an event whose data holds no objectID, naming the path', () => {
    const event = createEnvelope('vendor.updated', { name: 'x' }, 'vendor-service');
    expect(() => builder.operations(event)).toThrow(NonRetryableError);
    expect(() => builder.operations(event)).toThrow(/data\.id \(the objectID of vendors\) is missing/);
    expect(() => builder.operations(createEnvelope('vendor.created', null, 'vendor-service'))).toThrow(/data is not an object/);
  });

  it('refuses, as non-retryable, a time the order guard cannot compare', () => {
    const event = createEnvelope('vendor.created', vendor, 'vendor-service', { time: 'Tue Dec 1 2026' });
    expect(() => builder.operations(event)).toThrow(/time "Tue Dec 1 2026" is not RFC 3339/);
    expect(builder.operations(createEnvelope('vendor.created', vendor, 'vendor-service', { time: '2025-01-01T12:00:00.123456789+02:00' }))).toHaveLength(1);
  });

  it('lists the event types that feed an index', () => {
    expect(builder.typesOf('vendors')).toEqual(['vendor.created', 'vendor.updated', 'vendor.deleted']);
    expect(builder.typesOf('nope')).toEqual([]);
  });
});

describe(valueAt.name, () => {
  it('follows dotted paths and gives undefined for what is not there, prototypes included', () => {
    expect(valueAt({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(valueAt({ a: null }, 'a.b')).toBeUndefined();
    expect(valueAt({}, 'constructor')).toBeUndefined();
  });
});
