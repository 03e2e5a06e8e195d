import { WRITER_CONCURRENCY, writerConfig } from './writer-config.js';
import { WRITER_BATCH } from './event-writer.js';

describe(writerConfig.name, () => {
  it('raises the transport concurrency so many handlers can wait for one commit', () => {
    expect(writerConfig(undefined, {})).toEqual({ concurrency: WRITER_CONCURRENCY });
    // Enough waiting handlers to fill every INSERT in flight.
    expect(WRITER_CONCURRENCY).toBeGreaterThanOrEqual(WRITER_BATCH.maxEvents * WRITER_BATCH.maxInFlight);
  });
  it('lets CONSUMER_CONCURRENCY, when set, decide', () => {
    expect(writerConfig(undefined, { CONSUMER_CONCURRENCY: '300' })).toEqual({});
  });
  it('keeps the caller overrides on top', () => {
    expect(writerConfig({ concurrency: 7, maxDeliver: 3 }, {})).toEqual({ concurrency: 7, maxDeliver: 3 });
  });
});
