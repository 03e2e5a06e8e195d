import { jest } from '@jest/globals';
import { BadRequestException, Logger, ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { EdgeExceptionFilter } from './edge-exception.filter.js';
import { badText, jsonDeeperThan } from './bad-text.js';

const SECRET = 'whsec_c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw==';
const PHONE = '+14155550100';

/** A pg error as the driver raises it, wrapped the way TypeORM wraps it: parameters and all. */
function queryFailed(code: string, extra: Record<string, string> = {}): QueryFailedError {
  const driverError = Object.assign(new Error(`invalid input value "${PHONE}"`), { code, severity: 'ERROR', detail: `Key (secret)=(${SECRET}) already exists.`, ...extra });
  return new QueryFailedError('INSERT INTO webhook_subscriptions (name, secret, phone) VALUES ($1, $2, $3)', ['a', SECRET, PHONE], driverError);
}

describe(EdgeExceptionFilter.name, () => {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    for (const level of ['error', 'warn', 'log'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    }
  });
  afterEach(() => jest.restoreAllMocks());

  const filter = new EdgeExceptionFilter();
  const req = { method: 'POST', originalUrl: '/webhooks/subscriptions?x=1' };

  it('answers a SQLSTATE class 22 error 400 naming the column, and logs SQLSTATE, table and column, never parameters or values', () => {
    const body = filter.answer(queryFailed('22021', { table: 'webhook_subscriptions', column: 'name' }), req);
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', field: 'name' });
    expect(lines).toEqual(['POST /webhooks/subscriptions: refused by the database (SQLSTATE 22021 table=webhook_subscriptions column=name)']);
    expect(JSON.stringify(body) + lines.join()).not.toContain(SECRET);
    expect(JSON.stringify(body) + lines.join()).not.toContain(PHONE);
  });

  it('answers a unique violation 409 naming the constraint in the log only', () => {
    const body = filter.answer(queryFailed('23505', { table: 'vendors', constraint: 'vendors_name_key' }), req);
    expect(body.statusCode).toBe(409);
    expect(lines[0]).toContain('constraint=vendors_name_key');
    expect(JSON.stringify(body) + lines.join()).not.toContain(SECRET);
  });

  it('answers any other error 500 with a request id and nothing internal, logging it under that id', () => {
    const body = filter.answer(queryFailed('57P01'), req);
    expect(body).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
    expect(body.message).not.toMatch(/INSERT|57P01|input/);
    expect(lines[0]).toContain(`[request ${body.requestId}]`);
    expect(lines[0]).toContain('SQLSTATE 57P01');
    expect(lines.join()).not.toContain(SECRET);
    expect(lines.join()).not.toContain(PHONE);
    const plain = filter.answer(new TypeError("Cannot read properties of null (reading 'split')"), req);
    expect(plain.message).not.toContain('split');
  });

  it("keeps a route's own error detail (terminus's failing indicators) in a 503", () => {
    const down = new ServiceUnavailableException({ status: 'error', error: { database: { status: 'down' } }, service: 'x' });
    expect(filter.answer(down, req)).toMatchObject({ statusCode: 503, error: { database: { status: 'down' } }, service: 'x' });
  });

  it("gives an HttpException the edge's shape and finds the field in a validation message", () => {
    expect(filter.answer(new BadRequestException(['offset must be a whole number from 0 to 1000000, in decimal digits']), req)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['offset must be a whole number from 0 to 1000000, in decimal digits'],
      field: 'offset',
    });
  });
});

describe('edge text checks', () => {
  it('finds NUL and lone surrogates in values and keys, with the path', () => {
    expect(badText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toMatchObject({ field: 'a[1].c' });
    expect(badText({ headers: { Auth: 'a\uD800' } })).toMatchObject({ field: 'headers.Auth', problem: expect.stringContaining('surrogate') });
    expect(badText({ 'k\u0000': 1 })).toMatchObject({ field: 'k?' });
    expect(badText({ emoji: '\uD83D\uDE00', text: 'fine' })).toBeUndefined();
  });

  it('measures JSON depth on the text, ignoring brackets inside strings', () => {
    expect(jsonDeeperThan('{"a":'.repeat(33) + '1' + '}'.repeat(33), 32)).toBe(true);
    expect(jsonDeeperThan('{"a":'.repeat(32) + '1' + '}'.repeat(32), 32)).toBe(false);
    expect(jsonDeeperThan(JSON.stringify({ s: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["\\' }), 3)).toBe(false);
    expect(jsonDeeperThan('['.repeat(100_000), 32)).toBe(true);
    expect(jsonDeeperThan(Buffer.from(JSON.stringify({ 'é[[[[': ['😀{{{{'] })), 2)).toBe(false);
    expect(jsonDeeperThan(Buffer.from('{"é":'.repeat(3) + '1' + '}'.repeat(3)), 2)).toBe(true);
  });
});
