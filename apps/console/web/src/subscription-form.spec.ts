import { bodyOf, EMPTY_DRAFT } from './subscription-form.js';

describe(bodyOf.name, () => {
  const draft = { ...EMPTY_DRAFT, name: ' Orders ', url: 'https://hooks.example/x', eventTypes: 'order.*, vendor.created' };

  it('sends the set fields of a new subscription and leaves the defaults to the dispatcher', () => {
    expect(bodyOf({ ...draft, timeoutMs: '5000' })).toEqual({ name: 'Orders', url: 'https://hooks.example/x', eventTypes: ['order.*', 'vendor.created'], active: true, timeoutMs: 5000 });
  });

  it('sends only what an edit changed, null for a cleared optional', () => {
    const before = { ...draft, rateLimitPerSecond: '10', description: 'old' };
    expect(bodyOf({ ...before, rateLimitPerSecond: '', active: false }, before)).toEqual({ rateLimitPerSecond: null, active: false });
  });

  it('names the field whose JSON is broken', () => {
    expect(() => bodyOf({ ...draft, filter: '{"amount": ' })).toThrow(/^filter is not valid JSON/);
  });
});
