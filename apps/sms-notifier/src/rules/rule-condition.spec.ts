import { compileCondition, ConditionSyntaxError } from './rule-condition.js';
import { isDataPath, readPath } from './json-path.js';

describe('compileCondition', () => {
  it('compares a path with a JSON literal', () => {
    const started = compileCondition('newStatus == "Started"');
    expect(started.matches({ newStatus: 'Started' })).toBe(true);
    expect(started.matches({ newStatus: 'Cancelled' })).toBe(false);
    expect(started.matches(undefined)).toBe(false);
  });

  it('joins comparisons with && and reads nested paths, numbers, booleans and null', () => {
    const c = compileCondition('$.order.total != 0 && paid == true && note == null && order.channel == "sms"');
    expect(c.matches({ order: { total: 12, channel: 'sms' }, paid: true })).toBe(true);
    expect(c.matches({ order: { total: 0, channel: 'sms' }, paid: true })).toBe(false);
    expect(c.matches({ order: { total: 12, channel: 'sms' }, paid: true, note: 'x' })).toBe(false);
  });

  it('keeps && inside a string literal as text', () => {
    expect(compileCondition('label == "a && b"').matches({ label: 'a && b' })).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['newStatus', /expected == or !=/],
    ['newStatus = "x"', /cannot read the condition at character 11/],
    ['newStatus == Started', /expected a JSON value/],
    ['newStatus == "x" &&', /ends with &&/],
    ['newStatus == "x" paid == true', /expected &&/],
    ['"x" == newStatus', /expected a data path/],
  ])('refuses %j with a message that says what to write', (source, message) => {
    expect(() => compileCondition(source)).toThrow(ConditionSyntaxError);
    expect(() => compileCondition(source)).toThrow(message);
  });
});

describe('data paths', () => {
  it('accepts dotted names and array indexes, with or without $.', () => {
    for (const p of ['phone', 'customer.phone', '$.recipients.0', 'user_id']) expect(isDataPath(p)).toBe(true);
    for (const p of ['', '$', '.phone', 'a..b', 'a[0]', 'a b']) expect(isDataPath(p)).toBe(false);
  });

  it('reads objects and arrays and gives undefined for a missing step', () => {
    const data = { customer: { phone: '+1' }, recipients: ['+2', '+3'] };
    expect(readPath(data, 'customer.phone')).toBe('+1');
    expect(readPath(data, '$.recipients.1')).toBe('+3');
    expect(readPath(data, 'recipients.x')).toBeUndefined();
    expect(readPath(data, 'customer.phone.more')).toBeUndefined();
    expect(readPath('text', 'a')).toBeUndefined();
  });
});
