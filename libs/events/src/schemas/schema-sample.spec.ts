import { createAjv } from './schema-check.js';
import { sampleFromSchema } from './schema-sample.js';

describe('sampleFromSchema', () => {
  const valid = (schema: Record<string, unknown>) => {
    const data = sampleFromSchema(schema);
    const validate = createAjv().compile(schema);
    expect(validate(data) ? [] : validate.errors).toEqual([]);
    return data;
  };

  it('fills every property, with formats, bounds, enums and nested objects that validate', () => {
    const data = valid({
      type: 'object',
      required: ['orderId', 'total', 'status', 'customer', 'lines'],
      properties: {
        orderId: { type: 'string', format: 'uuid' },
        total: { type: 'number', minimum: 10, multipleOf: 0.5 },
        quantity: { type: 'integer', exclusiveMinimum: 0, maximum: 5 },
        status: { enum: ['paid', 'refunded'] },
        paidAt: { type: ['string', 'null'], format: 'date-time' },
        customer: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' }, name: { type: 'string', minLength: 20 } } },
        lines: { type: 'array', minItems: 2, items: { $ref: '#/$defs/line' } },
        note: { oneOf: [{ type: 'string', maxLength: 3 }, { type: 'null' }] },
      },
      $defs: { line: { type: 'object', properties: { sku: { type: 'string', examples: ['SKU-1'] }, qty: { type: 'integer', default: 1 } } } },
    });
    expect(data).toMatchObject({ orderId: '0194b3a2-7c1e-7d3a-9f2b-5e8c1a4d6b70', total: 10, quantity: 1, status: 'paid', lines: [{ sku: 'SKU-1', qty: 1 }, { sku: 'SKU-1', qty: 1 }] });
  });

  it('merges allOf and follows definitions', () => {
    valid({ allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { $ref: '#/definitions/b' } }, required: ['b'] }], definitions: { b: { type: 'boolean' } } });
  });

  it('refuses a $ref outside the schema', () => {
    expect(() => sampleFromSchema({ $ref: 'https://example.com/other.json' })).toThrow('$ref https://example.com/other.json is not local to the schema');
  });
});
