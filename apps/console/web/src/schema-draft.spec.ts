import { draftFor, NEW_SCHEMA, schemaBody } from './schema-draft.js';

describe('schemaBody', () => {
  it('makes the request body from the typed form', () => {
    expect(schemaBody({ type: ' parcel.sent ', version: '2', schema: '{"type":"object"}', breaking: true })).toEqual({ body: { type: 'parcel.sent', version: 2, schema: { type: 'object' }, breaking: true } });
    expect(schemaBody({ type: 'parcel.sent', version: '1', schema: NEW_SCHEMA, breaking: false })).toEqual({ body: { type: 'parcel.sent', version: 1, schema: { type: 'object', required: [], properties: {} } } });
  });

  it('names the field the page can tell is wrong before asking the store', () => {
    expect(schemaBody({ type: 'a.b', version: '1', schema: '{"type": ', breaking: false })).toEqual({ problem: expect.stringMatching(/^schema: not JSON \(/) });
    expect(schemaBody({ type: 'a.b', version: '1', schema: '[1]', breaking: false })).toEqual({ problem: 'schema: must be a JSON object, e.g. {"type":"object"}' });
    expect(schemaBody({ type: 'a.b', version: '1.5', schema: '{}', breaking: false })).toEqual({ problem: 'version: must be a whole number, above the latest registered (1 for a new type)' });
  });

  it('starts an edit one version above the latest, with its schema', () => {
    expect(draftFor('parcel.sent', 2, { type: 'object' })).toEqual({ type: 'parcel.sent', version: '3', schema: '{\n  "type": "object"\n}', breaking: false });
    expect(draftFor('', undefined, undefined)).toEqual({ type: '', version: '1', schema: NEW_SCHEMA, breaking: false });
  });
});
