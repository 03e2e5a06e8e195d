import { ForbiddenException, HttpException, HttpStatus, Inject, Injectable, UnauthorizedException, BadRequestException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { createHash } from 'node:crypto';
import { EVENTS_CONFIG, sharedRateLimiter, takeAll, type EventsConfig } from '@app/events';
import { ingestEnv, type IngestLimits } from '../ingest/ingest-env.js';
import { IngestService, type IngestOutcome } from '../ingest/ingest.service.js';
import type { ClientKeyView } from './client-key.js';
import { ClientKeysRepository } from './client-keys.repository.js';
import { prepareClientItem } from './client-item.js';

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** Why a call was refused before its events were looked at, and the 429's wait. */
export class RateLimited extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Ingest for browsers: the public key must be live and allow the page's origin; events are counted
 * against the key and the client's IP address (both across replicas, in PostgreSQL), then checked
 * and published like admin-ingested ones, as `source: client`. Not audited: no admin write.
 */
@Injectable()
export class ClientIngestService {
  private readonly perKey: RateLimiterPostgres;
  private readonly perIp: RateLimiterPostgres;

  constructor(
    private readonly keys: ClientKeysRepository,
    private readonly ingest: IngestService,
    @Inject(ingestEnv.KEY) private readonly limits: IngestLimits,
    @InjectDataSource() dataSource: DataSource,
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
  ) {
    this.perKey = sharedRateLimiter(dataSource, { keyPrefix: 'client-key', points: limits.clientKeyRatePerMinute, durationSeconds: 60 });
    this.perIp = sharedRateLimiter(dataSource, { keyPrefix: 'client-ip', points: limits.clientIpRatePerMinute, durationSeconds: 60 });
  }

  /** The live key allowing `origin`; 401 for a missing or unknown key, 403 for a revoked key or another origin. */
  async authorize(key: string | undefined, origin: string | undefined): Promise<ClientKeyView> {
    if (!key) throw new UnauthorizedException('key: send the public client key as ?key=pk_… (sendBeacon cannot set headers) or in the X-Client-Key header');
    const found = await this.keys.byKey(key);
    if (!found) throw new UnauthorizedException('key: no such client key; create one with POST /events/client-keys');
    if (found.revokedAt) throw new ForbiddenException(`key: client key "${found.name}" was revoked at ${found.revokedAt}; use a live key`);
    if (!origin) throw new ForbiddenException('Origin: client keys serve web pages, which send an Origin header; a service sends through POST /events with the admin key');
    if (!found.origins.includes(origin)) {
      throw new ForbiddenException(`Origin: ${origin} is not allowed for client key "${found.name}"; it allows ${found.origins.join(', ')}`);
    }
    return found;
  }

  /**
   * 403 while browser events are switched off: a 4xx the SDK does not resend, so pages drop their
   * events instead of keeping them to retry.
   */
  ensureEnabled(): void {
    if (!this.config.enableEventLogging) throw new ForbiddenException('Browser events are switched off on this event-store (ENABLE_EVENT_LOGGING=false)');
    if (!this.limits.clientLogging) throw new ForbiddenException('Browser events are switched off on this event-store (ENABLE_CLIENT_LOGGING=false)');
  }

  /** Whether a preflight from `origin` may go on: to its key's origins when it names one, else to any live key's. */
  async preflightAllowed(key: string | undefined, origin: string | undefined): Promise<boolean> {
    if (!origin) return false;
    if (!key) return this.keys.originAllowed(origin);
    const found = await this.keys.byKey(key);
    return !!found && !found.revokedAt && found.origins.includes(origin);
  }

  async ingestFor(key: ClientKeyView, clientIp: string, items: unknown[]): Promise<IngestOutcome> {
    await this.admit(key, clientIp, items.length);
    return this.ingest.publishAll(items.map((raw) => prepareClientItem(raw, key)));
  }

  /** Takes `count` from the IP's and then the key's allowance; a refusal by the key gives the IP its points back. */
  private async admit(key: ClientKeyView, clientIp: string, count: number): Promise<void> {
    const cap = Math.min(this.limits.maxBatch, this.limits.clientKeyRatePerMinute, this.limits.clientIpRatePerMinute);
    if (count > cap) throw new BadRequestException(`events has ${count} items; a client request may carry at most ${cap} (INGEST_MAX_BATCH and the client rate limits): split the batch`);
    const ip = digest(clientIp);
    const byIp = await takeAll(this.perIp, ip, count);
    if (!byIp.ok) {
      throw new RateLimited(
        `Rate limit of ${this.limits.clientIpRatePerMinute} events per minute per client address (CLIENT_INGEST_IP_RATE_LIMIT_PER_MINUTE) reached; retry after ${seconds(byIp.retryAfterMs)} s`,
        seconds(byIp.retryAfterMs),
      );
    }
    const byKey = await takeAll(this.perKey, key.id, count);
    if (!byKey.ok) {
      await this.perIp.reward(ip, count);
      throw new RateLimited(
        `Rate limit of ${this.limits.clientKeyRatePerMinute} events per minute for client key "${key.name}" (CLIENT_INGEST_RATE_LIMIT_PER_MINUTE) reached; retry after ${seconds(byKey.retryAfterMs)} s`,
        seconds(byKey.retryAfterMs),
      );
    }
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
