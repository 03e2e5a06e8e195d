import { batchConflict, batchProblem, normalizeBatch } from './batch-config.js';
import { batchBody } from './batch-executor.js';
import type { ClaimedDelivery } from '../delivery/delivery.types.js';

describe('batch settings', () => {
  it('accepts { maxEvents, maxWaitMs? } in range and null; names the field otherwise', () => {
    expect(batchProblem(null)).toBeUndefined();
    expect(batchProblem({ maxEvents: 1 })).toBeUndefined();
    expect(batchProblem({ maxEvents: 1000, maxWaitMs: 60_000 })).toBeUndefined();
    expect(batchProblem({ maxEvents: 1001 })).toBe('batch.maxEvents must be an integer from 1 to 1000');
    expect(batchProblem({ maxEvents: 2.5 })).toBe('batch.maxEvents must be an integer from 1 to 1000');
    expect(batchProblem({ maxEvents: 5, maxWaitMs: 60_001 })).toBe('batch.maxWaitMs must be an integer from 0 to 60000 (ms)');
    expect(batchProblem({ maxEvents: 5, every: 1 })).toBe('batch.every is not a batch setting (maxEvents, maxWaitMs)');
    expect(batchProblem('100')).toBe('batch must be an object { maxEvents, maxWaitMs? } or null');
  });

  it('fills maxWaitMs in, and refuses fifo or a rate limit next to a batch', () => {
    expect(normalizeBatch({ maxEvents: 7 })).toEqual({ maxEvents: 7, maxWaitMs: 1_000 });
    expect(normalizeBatch({ maxEvents: 7, maxWaitMs: 0 })).toEqual({ maxEvents: 7, maxWaitMs: 0 });
    const batch = { maxEvents: 7, maxWaitMs: 0 };
    expect(batchConflict({ batch, ordering: 'none', rateLimitPerSecond: null })).toBeUndefined();
    expect(batchConflict({ batch: null, ordering: 'fifo', rateLimitPerSecond: 3 })).toBeUndefined();
    expect(batchConflict({ batch, ordering: 'fifo', rateLimitPerSecond: null })).toMatch(/^batch cannot be combined with ordering "fifo"/);
    expect(batchConflict({ batch, ordering: 'none', rateLimitPerSecond: 3 })).toMatch(/^batch cannot be combined with rateLimitPerSecond/);
  });

  it('a batch body is the members\' envelopes as published, in order, as one JSON array', () => {
    const member = (id: string) => ({ id: `d-${id}`, body: JSON.stringify({ id, data: { s: 'ü,]' } }) }) as ClaimedDelivery;
    const body = batchBody({ id: 'batch_x', deliveries: [member('a'), member('b')] });
    expect(JSON.parse(body)).toEqual([{ id: 'a', data: { s: 'ü,]' } }, { id: 'b', data: { s: 'ü,]' } }]);
    expect(body).toBe(`[${member('a').body},${member('b').body}]`);
  });
});
