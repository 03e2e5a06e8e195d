import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent } from 'undici';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { UrlGuard } from '../ssrf/url-guard.js';
import { ExcerptResponseHandler } from './excerpt-response.handler.js';

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

/** A url as the agent is handed it. */
interface Target {
  url: URL;
  origin: string;
  path: string;
}

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
  private readonly targets = new Map<string, Target>();

  constructor(
    private readonly guard: UrlGuard,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {
    this.agent = new Agent({ connect: { lookup: guard.lookup }, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  }

  async post(req: WebhookRequest): Promise<WebhookExchange> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const response = new ExcerptResponseHandler(this.config.responseExcerptBytes);
    // One timer per request and the handler's own abort: AbortSignal.timeout joined by
    // AbortSignal.any cost a few % of the dispatcher's CPU (weakly tracked composite signals).
    const timer = setTimeout(() => response.abort(new DOMException(`no response within ${req.timeoutMs} ms`, 'TimeoutError')), req.timeoutMs);
    const stop = () => response.abort(req.signal?.reason as Error);
    if (req.signal?.aborted) stop();
    else req.signal?.addEventListener('abort', stop, { once: true });
    try {
      const target = this.target(req.url);
      this.guard.assertLiteralAllowed(target.url);
      this.agent.dispatch({ origin: target.origin, path: target.path, method: 'POST', body: req.body, headers: req.headers }, response);
      const { status, headers, body } = await response.done;
      return { status, headers, body, durationMs: elapsed(), error: null };
    } catch (err) {
      const interrupted = req.signal?.aborted === true || closedByUs(err);
      const error = interrupted ? 'interrupted: the dispatcher stopped before the endpoint answered' : describeError(err, req.timeoutMs);
      return { status: null, headers: {}, body: null, durationMs: elapsed(), error, ...(interrupted ? { interrupted } : {}) };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', stop);
    }
  }

  /** The url parsed once per distinct url (a subscription's), not once per request. Cleared wholesale when it grows. */
  private target(url: string): Target {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`Invalid URL protocol: ${url} must start with http: or https:`);
      if (this.targets.size >= 10_000) this.targets.clear();
      target = { url: parsed, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      this.targets.set(url, target);
    }
    return target;
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
