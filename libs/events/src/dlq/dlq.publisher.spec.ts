import { typeFromSubject } from './dlq.publisher.js';

describe(typeFromSubject.name, () => {
  it.each([
    ['events.vendor.created', 'vendor.created'],
    ['events.order.status_changed', 'order.status_changed'],
    ['events.a.b.c', 'a.b.c'],
  ])('reads the type of the stream subject %s', (subject, type) => {
    expect(typeFromSubject(subject)).toBe(type);
  });

  it.each([
    ['replay.event-store.vendor.created', 'vendor.created'],
    ['replay.search-sync.order.status_changed', 'order.status_changed'],
  ])('skips the consumer token of the replay subject %s', (subject, type) => {
    expect(typeFromSubject(subject)).toBe(type);
  });

  it.each(['events.vendor', 'events', '', 'events.Vendor.Created', 'replay.event-store.vendor', 'replay.event-store', 'events.vendor..created'])(
    'falls back to invalid.subject when %j names no valid type',
    (subject) => {
      expect(typeFromSubject(subject)).toBe('invalid.subject');
    },
  );
});
