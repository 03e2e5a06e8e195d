import {
  assertEventType,
  EVENTS_SUBJECT_PREFIX,
  InvalidEventTypeError,
  isEventType,
  matchesPattern,
  normalizePattern,
  patternsOverlap,
  subjectForPattern,
  subjectForType,
} from './event-type.js';

describe(isEventType.name, () => {
  it.each(['vendor.created', 'order.status_changed', 'whatsapp.send_failure', 'a.b.c', 'v2.item-moved', '0.1'])(
    'accepts %s',
    (type) => {
      expect(isEventType(type)).toBe(true);
    },
  );

  it.each([
    'vendor',
    '',
    'Vendor.created',
    'vendor.Created',
    'vendor..created',
    '.vendor.created',
    'vendor.created.',
    'vendor.*',
    'vendor.>',
    'vendor created',
    'vendor.created ',
    'vendor/created',
    'vendör.created',
  ])('rejects %j', (type) => {
    expect(isEventType(type)).toBe(false);
  });

  it.each([undefined, null, 42, {}, ['vendor', 'created']])('rejects the non-string %p', (value) => {
    expect(isEventType(value)).toBe(false);
  });
});

describe(assertEventType.name, () => {
  it('returns quietly for a valid type', () => {
    expect(() => assertEventType('vendor.created')).not.toThrow();
  });

  it('throws an InvalidEventTypeError quoting the bad type and showing the expected form', () => {
    let thrown: unknown;
    try {
      assertEventType('VendorCreated');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidEventTypeError);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe('InvalidEventTypeError');
    expect((thrown as Error).message).toBe(
      'Invalid event type "VendorCreated": use lowercase "resource.action" tokens of [a-z0-9_-] joined by dots, e.g. "vendor.created"',
    );
  });

  it('quotes non-string values as JSON', () => {
    expect(() => assertEventType(7)).toThrow('Invalid event type 7:');
    expect(() => assertEventType(undefined)).toThrow('Invalid event type undefined:');
  });
});

describe(normalizePattern.name, () => {
  it.each(['vendor.created', 'vendor.*', '*.created', 'order.>', '>', 'a.*.c', 'a.>'])('keeps the valid pattern %s as is', (pattern) => {
    expect(normalizePattern(pattern)).toBe(pattern);
  });

  it('turns * alone into > (every type)', () => {
    expect(normalizePattern('*')).toBe('>');
  });

  it.each(['', 'Vendor.*', 'vendor.', '.created', 'vendor..created', '>.created', 'order.>.x', 'vendor.cre*', 'vendor.**', 'vendor created', 'vendor', '_', 'a'.repeat(300)])(
    'rejects %j naming the pattern and the expected form',
    (pattern) => {
      expect(() => normalizePattern(pattern)).toThrow(
        `Invalid event pattern ${JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern)}: use dot-separated lowercase tokens with NATS wildcards`,
      );
    },
  );
});

describe(matchesPattern.name, () => {
  it.each([
    ['vendor.created', 'vendor.created', true],
    ['vendor.created', 'vendor.updated', false],
    ['vendor.created', 'vendor', false],
    ['vendor.created.v2', 'vendor.created', false],
  ])('exact: %s against %s is %s', (type, pattern, expected) => {
    expect(matchesPattern(type, pattern)).toBe(expected);
  });

  it.each([
    ['vendor.created', 'vendor.*', true],
    ['vendor.deleted', 'vendor.*', true],
    ['order.created', 'vendor.*', false],
    ['vendor.created.v2', 'vendor.*', false],
    ['order.created', '*.created', true],
    ['order.updated', '*.created', false],
    ['a.b.c', 'a.*.c', true],
    ['a.b.d', 'a.*.c', false],
    ['vendor.created', '*.*', true],
    ['vendor.created.v2', '*.*', false],
  ])('* matches exactly one token: %s against %s is %s', (type, pattern, expected) => {
    expect(matchesPattern(type, pattern)).toBe(expected);
  });

  it.each([
    ['order.created', 'order.>', true],
    ['order.status.changed', 'order.>', true],
    ['order', 'order.>', false],
    ['vendor.created', 'order.>', false],
    ['a.b.c.d', 'a.b.>', true],
    ['a.b', 'a.b.>', false],
    ['a.x.c', 'a.*.>', true],
  ])('> matches one or more trailing tokens: %s against %s is %s', (type, pattern, expected) => {
    expect(matchesPattern(type, pattern)).toBe(expected);
  });

  it.each(['vendor.created', 'order.status.changed', 'a.b'])('> alone matches every type, e.g. %s', (type) => {
    expect(matchesPattern(type, '>')).toBe(true);
  });

  it.each(['vendor.created', 'order.status.changed', 'a.b'])('* alone means all and matches %s', (type) => {
    expect(matchesPattern(type, '*')).toBe(true);
  });
});

describe(subjectForType.name, () => {
  it('prefixes the type with events.', () => {
    expect(EVENTS_SUBJECT_PREFIX).toBe('events.');
    expect(subjectForType('vendor.created')).toBe('events.vendor.created');
  });
});

describe(subjectForPattern.name, () => {
  it('prefixes the normalised pattern with events.', () => {
    expect(subjectForPattern('vendor.*')).toBe('events.vendor.*');
    expect(subjectForPattern('*')).toBe('events.>');
  });

  it('rejects an invalid pattern', () => {
    expect(() => subjectForPattern('Vendor.*')).toThrow(/Invalid event pattern/);
  });
});

describe(patternsOverlap.name, () => {
  it.each([
    ['>', 'vendor.created', true],
    ['*', 'order.>', true],
    ['order.*', '*.created', true],
    ['order.>', 'order.a.b', true],
    ['order.created', 'order.created', true],
    ['order.*', 'order.a.b', false],
    ['order.>', 'payment.*', false],
    ['order.>', 'order', false],
    ['a.*.c', 'a.b.d', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });
});
