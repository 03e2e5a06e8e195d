import { validateEnv } from '@app/events';
import { IngestEnv, ingestLimitsFromEnv } from './ingest-env.js';

const limits = (env: Record<string, string>) => ingestLimitsFromEnv(validateEnv(IngestEnv)(env));

describe(IngestEnv.name, () => {
  it('defaults to 1 MiB bodies, 500 events a batch, 600 events a minute per key and 120 per browser IP', () => {
    expect(limits({})).toEqual({ maxBodyBytes: 1_048_576, maxBatch: 500, ratePerMinute: 600, clientKeyRatePerMinute: 600, clientIpRatePerMinute: 120, clientLogging: true });
  });

  it('reads decimal values and treats an empty variable as unset', () => {
    expect(
      limits({ INGEST_MAX_BODY_BYTES: '65536', INGEST_MAX_BATCH: ' 20 ', INGEST_RATE_LIMIT_PER_MINUTE: '', CLIENT_INGEST_RATE_LIMIT_PER_MINUTE: '30', CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE: '5', ENABLE_CLIENT_LOGGING: 'false' }),
    ).toEqual({
      maxBodyBytes: 65_536,
      maxBatch: 20,
      ratePerMinute: 600,
      clientKeyRatePerMinute: 30,
      clientIpRatePerMinute: 5,
      clientLogging: false,
    });
  });

  it('fails naming every bad variable and what it got', () => {
    expect(() => limits({ INGEST_MAX_BODY_BYTES: '1mb', INGEST_MAX_BATCH: '0', INGEST_RATE_LIMIT_PER_MINUTE: '-5', CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE: 'x' })).toThrow(
      [
        'Invalid configuration, fix these environment variables:',
        '  - INGEST_MAX_BODY_BYTES: must be a whole number from 1024 to 67108864 (got "1mb")',
        '  - INGEST_MAX_BATCH: must be a whole number from 1 to 100000 (got 0)',
        '  - INGEST_RATE_LIMIT_PER_MINUTE: must be a whole number from 1 to 10000000 (got "-5")',
        '  - CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE: must be a whole number from 1 to 10000000 (got "x")',
      ].join('\n'),
    );
  });
});
