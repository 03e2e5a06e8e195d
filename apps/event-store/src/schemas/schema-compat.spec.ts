import { narrowingChanges } from './schema-compat.js';

const v1 = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' }, amount: { type: 'number', minimum: 0 }, status: { enum: ['new', 'paid'] } },
};

describe('narrowingChanges: would a new schema version refuse data the previous one accepted?', () => {
  it('finds nothing when the new version only widens or annotates', () => {
    const widened = {
      type: 'object',
      description: 'an invoice',
      required: ['id'],
      properties: {
        id: { type: ['string', 'number'], title: 'id' },
        amount: { type: 'number', minimum: -10 },
        status: { enum: ['new', 'paid', 'void'] },
        note: { description: 'new and unconstrained' },
      },
    };
    expect(narrowingChanges(v1, widened)).toEqual([]);
    expect(narrowingChanges(v1, v1)).toEqual([]);
    expect(narrowingChanges(v1, true)).toEqual([]);
    expect(narrowingChanges({ type: 'integer' }, { type: 'number' })).toEqual([]);
  });

  it('names each narrowing change with its path', () => {
    const narrowed = {
      type: 'object',
      required: ['id', 'currency'],
      additionalProperties: false,
      properties: { id: { type: 'string', pattern: '^inv-' }, amount: { type: 'integer', minimum: 1 }, status: { enum: ['new'] }, currency: { type: 'string' } },
    };
    expect(narrowingChanges(v1, narrowed)).toEqual([
      'data.currency: now required',
      'data.id: pattern now "^inv-"',
      'data.amount: type narrowed to integer (was number)',
      'data.amount: minimum raised to 1 (was 0)',
      'data.status: no longer accepts "paid"',
      'data.currency: type narrowed to string (was any)',
      'data: additional properties no longer allowed',
    ]);
  });

  it('counts a dropped property as narrowing only when extra properties are refused', () => {
    const { status: _status, ...rest } = v1.properties;
    expect(narrowingChanges(v1, { ...v1, properties: rest })).toEqual([]);
    expect(narrowingChanges(v1, { ...v1, properties: rest, additionalProperties: false })).toEqual([
      'data.status: now rejects every value (false)',
      'data: additional properties no longer allowed',
    ]);
  });

  it('counts a changed keyword it does not reason about as narrowing, and an unchanged one as safe', () => {
    const withOneOf = { ...v1, oneOf: [{ required: ['id'] }] };
    expect(narrowingChanges(v1, withOneOf)).toEqual(['data: oneOf changed (not checked keyword by keyword, so counted as narrowing)']);
    expect(narrowingChanges(withOneOf, withOneOf)).toEqual([]);
  });

  it('walks array items and bounds on both sides', () => {
    const list = { type: 'array', items: { type: 'string', maxLength: 10 }, maxItems: 5 };
    expect(narrowingChanges(list, { ...list, items: { type: 'string', maxLength: 20 }, maxItems: 9 })).toEqual([]);
    expect(narrowingChanges(list, { ...list, items: { type: 'string', maxLength: 3 }, minItems: 1 })).toEqual([
      'data[]: maxLength lowered to 3 (was 10)',
      'data: minItems raised to 1',
    ]);
  });
});
