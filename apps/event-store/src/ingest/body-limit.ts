import { ArgumentsHost, Catch, HttpException, HttpStatus, INestApplication } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ingestEnv } from './ingest-env.js';
import type { IngestLimits } from './ingest-env.js';

/** What body-parser (through raw-body) attaches to the error of a body over its limit. */
interface TooLarge {
  type: 'entity.too.large';
  limit: number;
  length?: number;
}

const tooLarge = (cause: unknown): cause is TooLarge => (cause as Partial<TooLarge> | undefined)?.type === 'entity.too.large';

/**
 * Rewrites body-parser's bare "request entity too large" into a 413 that names the limit; every
 * other exception gets Nest's usual answer.
 */
@Catch(HttpException)
export class BodyTooLargeFilter extends BaseExceptionFilter {
  constructor(
    private readonly ingestLimit: number,
    applicationRef: HttpServer,
  ) {
    super(applicationRef);
  }

  override catch(exception: HttpException, host: ArgumentsHost): void {
    const cause = exception.cause;
    if (host.getType() !== 'http' || exception.getStatus() !== HttpStatus.PAYLOAD_TOO_LARGE || !tooLarge(cause)) {
      return super.catch(exception, host);
    }
    const size = cause.length !== undefined ? `is ${cause.length} bytes,` : 'is';
    const name = cause.limit === this.ingestLimit ? ' (INGEST_MAX_BODY_BYTES)' : '';
    const message = `The request body ${size} over the limit of ${cause.limit} bytes${name}: send fewer or smaller events per request`;
    super.catch(new HttpException({ statusCode: 413, error: 'Payload Too Large', message }, HttpStatus.PAYLOAD_TOO_LARGE, { cause }), host);
  }
}

/**
 * Sets the JSON body limit to INGEST_MAX_BODY_BYTES (Nest's own parser stops at 100kb) and makes the
 * 413 name it. Call from configureApp, before the app is initialised, so it replaces Nest's parser.
 * @example applyIngestBodyLimit(app); // in configure-app.ts
 */
export function applyIngestBodyLimit(app: INestApplication): void {
  const { maxBodyBytes } = app.get<IngestLimits>(ingestEnv.KEY);
  (app as unknown as NestExpressApplication).useBodyParser('json', { limit: maxBodyBytes });
  app.useGlobalFilters(new BodyTooLargeFilter(maxBodyBytes, app.getHttpAdapter()));
}
