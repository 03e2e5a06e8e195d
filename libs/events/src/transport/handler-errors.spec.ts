import { RpcException } from '@nestjs/microservices';
import { InvalidEnvelopeError } from '../envelope/envelope-parser.js';
import { SchemaValidationError } from '../schemas/schema-validation.error.js';
import { errorMessage, isNonRetryable, NonRetryableError, RetryLaterError, retryDelayOf } from './handler-errors.js';

describe(NonRetryableError.name, () => {
  it('is an RpcException and Error carrying its message, name and retryable: false', () => {
    const err = new NonRetryableError('vendor 42 does not exist');
    expect(err).toBeInstanceOf(RpcException);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('vendor 42 does not exist');
    expect(err.name).toBe('NonRetryableError');
    expect(err.retryable).toBe(false);
  });
});

describe(RetryLaterError.name, () => {
  it('is an RpcException carrying its message, delay and retryable: true', () => {
    const err = new RetryLaterError('429 Too Many Requests', 30_000);
    expect(err).toBeInstanceOf(RpcException);
    expect(err.message).toBe('429 Too Many Requests');
    expect(err.name).toBe('RetryLaterError');
    expect(err.delayMs).toBe(30_000);
    expect(err.retryable).toBe(true);
  });
});

describe('isNonRetryable', () => {
  it('is true for a NonRetryableError', () => {
    expect(isNonRetryable(new NonRetryableError('bad'))).toBe(true);
  });

  it('is true for an InvalidEnvelopeError', () => {
    expect(isNonRetryable(new InvalidEnvelopeError(['body is not JSON']))).toBe(true);
  });

  it('is true for a SchemaValidationError', () => {
    expect(isNonRetryable(new SchemaValidationError('vendor.created', 'mesh:schema:vendor.created:v1', []))).toBe(true);
  });

  it('is true for any SchemaValidationError-like object marked retryable: false', () => {
    expect(isNonRetryable({ name: 'SchemaValidationError', retryable: false, problems: [] })).toBe(true);
    const foreign = Object.assign(new Error('422 Unprocessable Entity'), { retryable: false });
    expect(isNonRetryable(foreign)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('timeout')],
    ['a RetryLaterError', new RetryLaterError('later', 1)],
    ['an RpcException', new RpcException('rpc')],
    ['an object marked retryable: true', { retryable: true }],
    ['a falsy but not false retryable', { retryable: 0 }],
    ['a string retryable', { retryable: 'false' }],
    ['a string', 'failed'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 500],
  ])('is false for %s', (_name, err) => {
    expect(isNonRetryable(err)).toBe(false);
  });
});

describe('retryDelayOf', () => {
  it("returns a RetryLaterError's delay", () => {
    expect(retryDelayOf(new RetryLaterError('later', 1_234))).toBe(1_234);
  });

  it('is undefined for other errors, even ones with a delayMs property', () => {
    expect(retryDelayOf(new Error('x'))).toBeUndefined();
    expect(retryDelayOf({ delayMs: 5 })).toBeUndefined();
    expect(retryDelayOf(undefined)).toBeUndefined();
  });
});

describe('errorMessage', () => {
  it('formats an Error as name: message', () => {
    expect(errorMessage(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(errorMessage(new NonRetryableError('bad'))).toBe('NonRetryableError: bad');
  });

  it('keeps a thrown string as is', () => {
    expect(errorMessage('boom')).toBe('boom');
  });

  it('serialises other thrown values as JSON', () => {
    expect(errorMessage({ status: 503 })).toBe('{"status":503}');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage(42)).toBe('42');
  });
});
