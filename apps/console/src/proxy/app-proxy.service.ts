import { BadGatewayException, GatewayTimeoutException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { CONSOLE_CONFIG, type ConsoleConfig, type MeshApp } from '../config/console-env.js';

/**
 * Request headers the browser may pass on to an app; nothing else (cookies, host) leaves the console.
 * `prefer`: `respond-async` makes the event-store run a replay as a job.
 */
const FORWARDED_REQUEST_HEADERS = ['x-api-key', 'content-type', 'accept', 'prefer'] as const;
/** Response headers the page gets back. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'location'] as const;

/** Above the longest call the page makes: a webhook test or resend waits for the endpoint (timeouts up to 30 s). */
export const PROXY_TIMEOUT_MS = 60_000;

export interface ProxyRequest {
  method: string;
  /** Path and query string on the app, starting with `/`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body?: string;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Forwards the page's API calls to one of the mesh's apps, so the browser talks to one origin. */
@Injectable()
export class AppProxyService {
  private readonly logger = new Logger(AppProxyService.name);

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  app(name: string): MeshApp {
    const app = this.config.apps.find((a) => a.name === name);
    if (!app) throw new NotFoundException(`No app "${name}" in MESH_APP_URLS; known: ${this.config.apps.map((a) => a.name).join(', ')}`);
    return app;
  }

  async forward(appName: string, req: ProxyRequest): Promise<ProxyResponse> {
    const app = this.app(appName);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const target = `${app.url}${req.path}`;
    let res: Response;
    try {
      res = await fetch(target, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(PROXY_TIMEOUT_MS),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError') throw new GatewayTimeoutException(`${app.name} at ${app.url} did not answer ${req.method} ${req.path} within ${PROXY_TIMEOUT_MS / 1000} s`);
      const why = e.cause?.code ?? e.cause?.message ?? e.message;
      this.logger.warn(`${req.method} ${target} failed: ${why}`);
      throw new BadGatewayException(`${app.name} is unreachable at ${app.url} (${why}); is it running? Check the Health page.`);
    }
    const out: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = res.headers.get(name);
      if (value !== null) out[name] = value;
    }
    return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
  }
}
