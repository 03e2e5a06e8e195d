import { createEnvelope } from './cloud-event.js';
import { envelopeProblems, InvalidEnvelopeError, parseEnvelope } from './envelope-parser.js';

const valid = () => ({
  specversion: '1.0',
  id: '0193a5b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b',
  source: 'vendor-service',
  type: 'vendor.created',
  time: '2024-11-19T12:00:00.000Z',
  datacontenttype: 'application/json',
  data: { id: 'v1' },
  level: 'warn',
});

/** Parses expecting an InvalidEnvelopeError and returns it. */
function rejectionOf(input: Uint8Array | string): InvalidEnvelopeError {
  try {
    parseEnvelope(input);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidEnvelopeError);
    return err as InvalidEnvelopeError;
  }
  throw new Error(`expected ${String(input)} to be rejected`);
}

describe(parseEnvelope.name, () => {
  it('parses a valid envelope from a string', () => {
    expect(parseEnvelope(JSON.stringify(valid()))).toEqual(valid());
  });

  it('parses a valid envelope from UTF-8 bytes', () => {
    const body = { ...valid(), data: { name: 'Café ✓' } };
    expect(parseEnvelope(new TextEncoder().encode(JSON.stringify(body)))).toEqual(body);
  });

  it('round-trips an envelope made by createEnvelope', () => {
    const event = createEnvelope('vendor.updated', { id: 'v1' }, 'vendor-service', { subject: 'v1', extensions: { tenant: 'acme' } });
    expect(parseEnvelope(JSON.stringify(event))).toEqual(event);
  });

  it('defaults a missing level to info', () => {
    const { level: _level, ...body } = valid();
    expect(parseEnvelope(JSON.stringify(body)).level).toBe('info');
  });

  it('keeps extensions and accepts null data', () => {
    const event = parseEnvelope(JSON.stringify({ ...valid(), data: null, tenant: 'acme' }));
    expect(event.data).toBeNull();
    expect(event.tenant).toBe('acme');
  });

  it.each(['', '{', 'not json', '{"id":1,}'])('rejects the non-JSON body %j as a non-retryable error', (text) => {
    const err = rejectionOf(text);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^body is not JSON \(.+\)$/);
    expect(err.message).toMatch(/^Invalid event envelope: body is not JSON/);
    expect(err.retryable).toBe(false);
    expect(err.name).toBe('InvalidEnvelopeError');
  });

  it('rejects invalid UTF-8 JSON bytes', () => {
    expect(rejectionOf(new Uint8Array([0x7b, 0xff, 0x7d])).problems[0]).toMatch(/^body is not JSON/);
  });

  it.each(['null', '[]', '42', '"text"', 'true'])('rejects %s because the body is not an object', (text) => {
    expect(rejectionOf(text).problems).toEqual(['body must be a JSON object']);
  });

  it.each([
    ['specversion', 'specversion must be "1.0"'],
    ['id', 'id must be a non-empty string'],
    ['source', 'source must be a non-empty string'],
    ['type', 'type must be lowercase "resource.action" tokens, e.g. "vendor.created"'],
    ['time', 'time must be an RFC 3339 timestamp'],
    ['data', 'data is missing'],
  ])('names the missing %s', (field, problem) => {
    const body: Record<string, unknown> = valid();
    delete body[field];
    const err = rejectionOf(JSON.stringify(body));
    expect(err.problems).toEqual([problem]);
    expect(err.message).toBe(`Invalid event envelope: ${problem}`);
  });

  it.each([
    [{ specversion: '0.3' }, 'specversion must be "1.0"'],
    [{ specversion: 1 }, 'specversion must be "1.0"'],
    [{ id: '' }, 'id must be a non-empty string'],
    [{ id: 42 }, 'id must be a non-empty string'],
    [{ source: '' }, 'source must be a non-empty string'],
    [{ type: 'Vendor.Created' }, 'type must be lowercase "resource.action" tokens, e.g. "vendor.created"'],
    [{ time: 'yesterday' }, 'time must be an RFC 3339 timestamp'],
    [{ time: 1732017600000 }, 'time must be an RFC 3339 timestamp'],
    [{ level: 'fatal' }, 'level must be one of debug, info, success, warn, error'],
    [{ subject: 42 }, 'subject must be a string'],
  ])('rejects the bad value %p', (patch, problem) => {
    expect(rejectionOf(JSON.stringify({ ...valid(), ...patch })).problems).toEqual([problem]);
  });

  it('names every problem of the body at once', () => {
    const err = rejectionOf(JSON.stringify({ specversion: '1.0', type: 'bad' }));
    expect(err.problems).toEqual([
      'id must be a non-empty string',
      'source must be a non-empty string',
      'type must be lowercase "resource.action" tokens, e.g. "vendor.created"',
      'time must be an RFC 3339 timestamp',
      'data is missing',
    ]);
    expect(err.message).toBe(`Invalid event envelope: ${err.problems.join('; ')}`);
  });
});

describe(envelopeProblems.name, () => {
  it('finds nothing wrong with a valid envelope', () => {
    expect(envelopeProblems(valid())).toEqual([]);
  });

  it('accepts each documented level', () => {
    for (const level of ['debug', 'info', 'success', 'warn', 'error']) expect(envelopeProblems({ ...valid(), level })).toEqual([]);
  });

  it('accepts any audience and category text: publishers validate them, while history stored before they were (audience "ops") must still replay', () => {
    expect(envelopeProblems({ ...valid(), audience: 'user,admin', category: 'Notification' })).toEqual([]);
    expect(envelopeProblems({ ...valid(), audience: 'ops', category: 'misc' })).toEqual([]);
  });
});
