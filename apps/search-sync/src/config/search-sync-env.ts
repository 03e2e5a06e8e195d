import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';
import { parseDuration, toInt, validateEnv } from '@app/events';

function IsShortDuration(maxMs: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isShortDuration',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be a duration between 0ms and ${maxMs} ms, such as 20ms or 1s`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && (parseDuration(v) ?? -1) >= 0 && parseDuration(v)! <= maxMs },
    });
}

/** Both Algolia credentials or neither: one alone is a mistake, not a reason to index locally. */
function IsSetWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSetWith',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: `$property is set but ${other} is not: set both (Algolia) or neither (local PostgreSQL index)`, ...options },
      validator: {
        validate: (_v: unknown, args) => Boolean((args?.object as Record<string, unknown>)[other]),
      },
    });
}

/** search-sync's own environment (the shared variables are `EventsEnv`). */
export class SearchSyncEnv {
  @IsOptional() @IsString() @IsSetWith('ALGOLIA_API_KEY') ALGOLIA_APP_ID?: string;
  @IsOptional() @IsString() @IsSetWith('ALGOLIA_APP_ID') ALGOLIA_API_KEY?: string;
  /** Comma-separated base URLs replacing Algolia's own hosts (a proxy, or a local stand-in). */
  @IsOptional() @IsString() ALGOLIA_HOSTS?: string;
  @IsOptional() @IsShortDuration(600_000) ALGOLIA_TIMEOUT = '30s';
  /** `algolia` or `local`; unset: algolia when both ALGOLIA_* keys are set, local otherwise. */
  @IsOptional() @IsIn(['algolia', 'local'], { message: 'SEARCH_PROVIDER must be algolia or local' }) SEARCH_PROVIDER?: 'algolia' | 'local';
  /** A JSON file with the resource → index mapping; unset: the shipped vendors mapping. */
  @IsOptional() @IsString() SEARCH_MAPPING_FILE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) SEARCH_BATCH_SIZE = 1000;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) EVENT_STORE_URL = 'http://127.0.0.1:3001';
}

export type SearchProviderName = 'algolia' | 'local';

export interface AlgoliaSettings {
  appId: string;
  apiKey: string;
  /** Replaces Algolia's hosts (tests point it at a local stand-in). */
  hosts?: string[];
  timeoutMs: number;
}

/** The resolved configuration of search-sync. */
export interface SearchSyncConfig {
  provider: SearchProviderName;
  algolia?: AlgoliaSettings;
  mappingFile?: string;
  /** Most operations per provider call (a handler call's operations are split into calls of this size). */
  batchSize: number;
  eventStoreUrl: string;
  /** Events per page read from the event store by a reindex (its API's maximum is 1,000). */
  reindexPageSize: number;
  /**
   * How long a reindex waits for an event the live index applied recently and the event store has
   * not stored yet (its consumer lagging) before it gives up rather than lose the change.
   */
  reindexLagGraceMs: number;
  /** How long a provider probe of the health check is reused (Algolia counts API calls). */
  healthProbeIntervalMs: number;
}

export const SEARCH_SYNC_CONFIG = Symbol('SEARCH_SYNC_CONFIG');

/** Reads and validates the environment; throws listing every bad variable. */
export function searchSyncConfigFromEnv(raw: Record<string, unknown> = process.env): SearchSyncConfig {
  const env = validateEnv(SearchSyncEnv)({ ...raw });
  const hasKeys = Boolean(env.ALGOLIA_APP_ID && env.ALGOLIA_API_KEY);
  const provider = env.SEARCH_PROVIDER ?? (hasKeys ? 'algolia' : 'local');
  if (provider === 'algolia' && !hasKeys) {
    throw new Error('Invalid configuration, fix these environment variables:\n  - SEARCH_PROVIDER=algolia needs ALGOLIA_APP_ID and ALGOLIA_API_KEY');
  }
  return {
    provider,
    algolia: hasKeys
      ? {
          appId: env.ALGOLIA_APP_ID!,
          apiKey: env.ALGOLIA_API_KEY!,
          hosts: env.ALGOLIA_HOSTS?.split(',').map((h) => h.trim()).filter(Boolean),
          timeoutMs: parseDuration(env.ALGOLIA_TIMEOUT)!,
        }
      : undefined,
    mappingFile: env.SEARCH_MAPPING_FILE,
    batchSize: env.SEARCH_BATCH_SIZE,
    eventStoreUrl: env.EVENT_STORE_URL.replace(/\/+$/, ''),
    healthProbeIntervalMs: 10_000,
    reindexPageSize: 1000,
    reindexLagGraceMs: 30_000,
  };
}
