import { BadRequestException, Body, Controller, ForbiddenException, Headers, HttpCode, Options, Post, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answer } from '../ingest/ingest-answer.js';
import type { IngestOutcome } from '../ingest/ingest.service.js';
import { ClientIngestService, RateLimited } from './client-ingest.service.js';

/** The route browsers post to; the body parser takes `text/plain` JSON here (see configure-app.ts). */
export const CLIENT_INGEST_PATH = /^\/events\/client\/?$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** CORS for one allowed origin: only it, never `*`, and caches told the answer depends on it. */
function allowOrigin(res: ServerResponse, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
}

/**
 * `POST /events/client?key=pk_…` with `{ "events": [...] }` as `application/json` or `text/plain`
 * (a beacon): events from web pages, under a public client key (see ClientIngestService). Answers
 * as `POST /events/batch` does, with CORS for the key's origins only.
 */
@Controller('events/client')
export class ClientIngestController {
  constructor(private readonly client: ClientIngestService) {}

  @Options()
  async preflight(
    @Query('key') key: string | undefined,
    @Headers('origin') origin: string | undefined,
    @Res() res: ServerResponse,
  ): Promise<void> {
    if (!(await this.client.preflightAllowed(key, origin))) {
      // The edge's error shape, without CORS headers: the page cannot read it, an operator's curl can.
      throw new ForbiddenException(
        `Preflight refused: origin ${origin ?? '(none sent)'} is not among the origins of ${key ? 'this client key' : 'any live client key'}; add it to the key's origins (POST /events/client-keys)`,
      );
    }
    allowOrigin(res, origin!);
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Client-Key');
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    res.end();
  }

  @Post()
  @HttpCode(200)
  async ingest(
    @Body() body: unknown,
    @Query('key') queryKey: string | undefined,
    @Headers('x-client-key') headerKey: string | undefined,
    @Headers('origin') origin: string | undefined,
    @Req() req: IncomingMessage & { ip?: string },
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<IngestOutcome> {
    const key = await this.client.authorize(queryKey ?? headerKey, origin);
    // From here on the page may read the answer, errors included.
    allowOrigin(res, origin!);
    this.client.ensureEnabled();
    if (!isObject(body) || !Array.isArray(body.events)) {
      throw new BadRequestException('events: the body must be {"events": [...]} as JSON (Content-Type: application/json or text/plain)');
    }
    if (body.events.length === 0) throw new BadRequestException('events: must contain at least one event');
    const extra = Object.keys(body).filter((k) => k !== 'events');
    if (extra.length > 0) throw new BadRequestException(extra.map((k) => `${k}: is not a field of the body; send {"events": [...]}`));
    try {
      const outcome = await this.client.ingestFor(key, req.ip ?? req.socket.remoteAddress ?? 'unknown', body.events);
      return answer(outcome, body.events.length, true);
    } catch (err) {
      if (err instanceof RateLimited) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }
}
