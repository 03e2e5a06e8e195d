import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { UrlGuard } from '../ssrf/url-guard.js';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Aborted by the dispatcher itself (shutting down): the exchange is `interrupted`, not a failure of the endpoint. */
  signal?: AbortSignal;
}

/** What came back (or did not): the attempt log's raw material. */
export interface WebhookExchange {
  status: number | null;
  headers: Record<string, string>;
  /** The first WEBHOOK response bytes (1 KB), as text. */
  body: string | null;
  durationMs: number;
  /** Set when no response arrived: timeout, connection error, refused target. */
  error: string | null;
  /**
   * The dispatcher cut the request off itself (shutting down, its client closed): nothing is
   * known about the endpoint, so this is no attempt against it.
   */
  interrupted?: boolean;
}

/** undici's errors for a request on a client this process closed or destroyed. */
const OWN_CLIENT_CLOSED = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);

const flatten = (headers: Record<string, string | string[] | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
};

function closedByUs(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return OWN_CLIENT_CLOSED.has(e.code ?? '') || OWN_CLIENT_CLOSED.has(e.cause?.code ?? '');
}

/** Why no response came, for the attempt log (the OAuth2 token request reports the same way). */
export function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timeout: no response within ${timeoutMs} ms`;
  const cause = e.cause ?? e;
  if (cause.name === 'RefusedTargetError') return cause.message ?? 'refused target';
  const code = cause.code ?? e.code;
  return `${code ? `${code}: ` : ''}${cause.message ?? e.message ?? String(err)}`.slice(0, 1000);
}

/**
 * The HTTP side of a delivery (undici). Connections resolve their host through the SSRF guard,
 * which hands the socket the address it checked; redirects are not followed (a 3xx is a failed
 * attempt); one deadline covers connecting, sending and reading the response excerpt.
 */
@Injectable()
export class WebhookHttpClient implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(
    private readonly guard: UrlGuard,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {
    this.agent = new Agent({ connect: { lookup: guard.lookup }, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  }

  async post(req: WebhookRequest): Promise<WebhookExchange> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // One controller and one timer per request: AbortSignal.timeout joined by AbortSignal.any cost
    // a few % of the dispatcher's CPU (weakly tracked composite signals) on the delivery hot path.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException(`no response within ${req.timeoutMs} ms`, 'TimeoutError')), req.timeoutMs);
    const stop = () => abort.abort(req.signal?.reason);
    if (req.signal?.aborted) stop();
    else req.signal?.addEventListener('abort', stop, { once: true });
    try {
      this.guard.assertLiteralAllowed(new URL(req.url));
      const res = await request(req.url, { method: 'POST', body: req.body, headers: req.headers, dispatcher: this.agent, signal: abort.signal });
      const body = await this.excerpt(res.body, res.headers['content-length']);
      return { status: res.statusCode, headers: flatten(res.headers), body, durationMs: elapsed(), error: null };
    } catch (err) {
      const interrupted = req.signal?.aborted === true || closedByUs(err);
      const error = interrupted ? 'interrupted: the dispatcher stopped before the endpoint answered' : describeError(err, req.timeoutMs);
      return { status: null, headers: {}, body: null, durationMs: elapsed(), error, ...(interrupted ? { interrupted } : {}) };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', stop);
    }
  }

  /** Reads up to the excerpt size; a longer body is cut off (its connection is dropped rather than drained). */
  private async excerpt(body: AsyncIterable<Buffer> & { destroy(): void; text(): Promise<string> }, contentLength: string | string[] | undefined): Promise<string> {
    const limit = this.config.responseExcerptBytes;
    // A body announced to fit (the usual short answer) is read whole at once: the async iterator's
    // promise per chunk and its stream teardown showed in the delivery CPU profile.
    if (typeof contentLength === 'string' && Number(contentLength) <= limit) return body.text();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        body.destroy();
        break;
      }
    }
    // toString() replaces a multi-byte character cut at the limit with U+FFFD.
    return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
  }

  /**
   * Closed last, in the shutdown phase, after the workers have stopped claiming and their
   * requests have finished (DeliveryWorker.beforeApplicationShutdown): closing it earlier made
   * every send fail with UND_ERR_CLOSED and disabled healthy subscriptions.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}
