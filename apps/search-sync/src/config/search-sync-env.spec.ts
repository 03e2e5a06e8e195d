import { searchSyncConfigFromEnv } from './search-sync-env.js';
import { consumerConfig, SEARCH_SYNC_CONCURRENCY, SEARCH_SYNC_MAX_DELIVER } from './consumer-config.js';

describe(searchSyncConfigFromEnv.name, () => {
  it('indexes locally with no Algolia keys, with the documented defaults', () => {
    expect(searchSyncConfigFromEnv({})).toMatchObject({
      provider: 'local',
      algolia: undefined,
      batchSize: 1000,
      eventStoreUrl: 'http://127.0.0.1:3001',
    });
  });

  it('uses Algolia when both keys are set, with the hosts and timeout given', () => {
    const cfg = searchSyncConfigFromEnv({ ALGOLIA_APP_ID: 'APP', ALGOLIA_API_KEY: 'k', ALGOLIA_HOSTS: 'http://127.0.0.1:9000, https://proxy.example', ALGOLIA_TIMEOUT: '5s' });
    expect(cfg.provider).toBe('algolia');
    expect(cfg.algolia).toEqual({ appId: 'APP', apiKey: 'k', hosts: ['http://127.0.0.1:9000', 'https://proxy.example'], timeoutMs: 5_000 });
  });

  it('refuses one Algolia key without the other instead of silently indexing locally', () => {
    expect(() => searchSyncConfigFromEnv({ ALGOLIA_APP_ID: 'APP' })).toThrow(/ALGOLIA_APP_ID: is set but ALGOLIA_API_KEY is not/);
  });

  it('refuses an unknown provider, and algolia without keys', () => {
    expect(() => searchSyncConfigFromEnv({ SEARCH_PROVIDER: 'elastic' })).toThrow(/SEARCH_PROVIDER: must be algolia or local \(got "elastic"\)/);
    expect(() => searchSyncConfigFromEnv({ SEARCH_PROVIDER: 'algolia' })).toThrow(/SEARCH_PROVIDER=algolia needs ALGOLIA_APP_ID and ALGOLIA_API_KEY/);
  });

  it('names every bad setting and never echoes the API key', () => {
    expect(() => searchSyncConfigFromEnv({ SEARCH_BATCH_SIZE: '5000', ALGOLIA_TIMEOUT: 'soon' })).toThrow(/ALGOLIA_TIMEOUT[\s\S]*SEARCH_BATCH_SIZE/);
    expect(() => searchSyncConfigFromEnv({ ALGOLIA_API_KEY: 'super-secret' })).not.toThrow(/super-secret/);
  });
});

describe(consumerConfig.name, () => {
  it('raises concurrency and deliveries so batches fill and an index outage of minutes is ridden out', () => {
    expect(consumerConfig(undefined, {})).toEqual({ concurrency: SEARCH_SYNC_CONCURRENCY, maxDeliver: SEARCH_SYNC_MAX_DELIVER });
  });

  it('lets CONSUMER_CONCURRENCY and CONSUMER_MAX_DELIVER, and the caller, decide', () => {
    expect(consumerConfig(undefined, { CONSUMER_CONCURRENCY: '300', CONSUMER_MAX_DELIVER: '3' })).toEqual({});
    expect(consumerConfig({ maxDeliver: 7 }, {})).toEqual({ concurrency: SEARCH_SYNC_CONCURRENCY, maxDeliver: 7 });
  });
});
