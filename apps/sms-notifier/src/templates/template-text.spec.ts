import { missingPlaceholders, parseTemplate, renderTemplate, smsEncoding, TemplateError } from './template-text.js';

describe('parseTemplate', () => {
  it('refuses a body that does not parse, and partials', () => {
    expect(() => parseTemplate('Order {{orderId')).toThrow(TemplateError);
    expect(() => parseTemplate('{{#items}}x')).toThrow(/does not parse/);
    expect(() => parseTemplate('{{> footer}}')).toThrow(/not allowed/);
  });
});

describe('missingPlaceholders', () => {
  const tokens = parseTemplate('#{{orderId}} for {{customer.name}}{{#items}} {{sku}}{{/items}}{{^note}}!{{/note}}');

  it('finds nothing missing when the data has every placeholder', () => {
    expect(missingPlaceholders(tokens, { orderId: 7, customer: { name: 'Ana' }, items: [{ sku: 'A' }], note: null })).toEqual([]);
  });

  it('names each missing placeholder once, nested ones with their path', () => {
    expect(missingPlaceholders(tokens, { customer: {}, items: [{}] })).toEqual(['orderId', 'customer.name', 'sku', 'note']);
  });

  it('resolves names inside a section against the item, then the outer data', () => {
    const t = parseTemplate('{{#items}}{{sku}} of {{orderId}}{{/items}}');
    expect(missingPlaceholders(t, { orderId: 1, items: [{ sku: 'A' }] })).toEqual([]);
  });
});

describe('renderTemplate', () => {
  it('renders Persian and English text without HTML escaping', () => {
    expect(renderTemplate('سفارش #{{orderId}} شما ثبت شد', { orderId: 42 })).toBe('سفارش #42 شما ثبت شد');
    expect(renderTemplate('Tom & {{name}} <b>', { name: 'Jerry & co' })).toBe('Tom & Jerry & co <b>');
  });
});

describe('smsEncoding', () => {
  it('counts GSM-7 at 160 characters in one segment and 153 per segment beyond', () => {
    expect(smsEncoding('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, characters: 160, perSegment: 160 });
    expect(smsEncoding('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2, perSegment: 153 });
  });

  it('counts a Persian text as UCS-2: 70 characters in one segment, 67 per segment when concatenated', () => {
    expect(smsEncoding('س'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, characters: 70, perSegment: 70 });
    expect(smsEncoding('س'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2, perSegment: 67 });
    expect(smsEncoding('س'.repeat(134)).segments).toBe(2);
    expect(smsEncoding('س'.repeat(135)).segments).toBe(3);
  });
});
