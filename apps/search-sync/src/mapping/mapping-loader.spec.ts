import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAPPING } from './default-mapping.js';
import { loadMapping, parseMapping } from './mapping-loader.js';

const orders = {
  resourceType: 'order',
  index: 'orders',
  events: { 'order.placed': { action: 'upsert' }, 'order.cancelled': { action: 'delete' } },
  objectID: 'id',
  fields: ['number', 'customer.name'],
  searchableFields: ['number'],
};

describe(parseMapping.name, () => {
  it('accepts the shipped vendors mapping and a second resource type', () => {
    expect(parseMapping(DEFAULT_MAPPING)).toBe(DEFAULT_MAPPING);
    expect(parseMapping({ indexes: [...DEFAULT_MAPPING.indexes, orders] }).indexes).toHaveLength(2);
  });

  it('names every problem: unknown keys, bad actions and index names, searchable fields not in fields', () => {
    const bad = { indexes: [{ ...orders, index: 'has space', events: { 'order.placed': { action: 'replace' } }, colour: 'red' }] };
    expect(() => parseMapping(bad, 'm.json')).toThrow(/Invalid search mapping in m\.json/);
    expect(() => parseMapping(bad)).toThrow(/\/indexes\/0 must NOT have additional properties \(colour\)/);
    expect(() => parseMapping(bad)).toThrow(/\/indexes\/0\/index must match pattern/);
    expect(() => parseMapping(bad)).toThrow(/\/indexes\/0\/events\/order.placed\/action must be equal to one of the allowed values/);
    expect(() => parseMapping({ indexes: [{ ...orders, searchableFields: ['total'] }] })).toThrow(/"total" is not in fields/);
  });

  it('refuses two resource types in one index', () => {
    expect(() => parseMapping({ indexes: [orders, { ...orders, resourceType: 'invoice', events: { 'invoice.sent': { action: 'upsert' } } }] })).toThrow(
      /"orders" is already fed by resource type "order"/,
    );
  });
});

describe(loadMapping.name, () => {
  it('reads a mapping file, and says which file is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapping-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ indexes: [orders] }));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(loadMapping(join(dir, 'ok.json')).indexes[0].index).toBe('orders');
    expect(() => loadMapping(join(dir, 'bad.json'))).toThrow(/SEARCH_MAPPING_FILE .*bad\.json cannot be read as JSON/);
    expect(loadMapping(undefined)).toBe(DEFAULT_MAPPING);
  });
});
