import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import { UrlGuard } from '../ssrf/url-guard.js';
import { describeError } from '../delivery/webhook-http.client.js';
import type { OAuth2Credentials } from './oauth2-credentials.js';

/** Why no token could be had; its message never holds the client secret or a token. */
export class OAuth2TokenError extends Error {
  override readonly name = 'OAuth2TokenError';
}

interface CachedToken {
  accessToken: string;
  /** Used until then (epoch ms): the expiry less a margin, so a token is replaced before the endpoint refuses it. */
  renewAt: number;
}

/** A token without `expires_in` is kept until an endpoint refuses it, for an hour at most. */
const DEFAULT_LIFETIME_MS = 3_600_000;
/** Renewed this long before its expiry, or a fifth of its lifetime when that is shorter. */
const RENEW_MARGIN_MS = 60_000;
const MAX_CACHED = 10_000;

/** Cache key: the credentials themselves (hashed), so a changed secret, scope or token URL gets a token of its own. */
const keyOf = (c: OAuth2Credentials) => createHash('sha256').update([c.tokenUrl, c.clientId, c.clientSecret, c.scope ?? ''].join('\0')).digest('base64');

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they go into the Basic header. */
const basic = (c: OAuth2Credentials) => `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;

/**
 * Access tokens of the client-credentials grant (RFC 6749 §4.4), one per set of credentials,
 * cached until shortly before they expire; concurrent callers share one request. The token
 * endpoint is reached through the SSRF guard, as webhook endpoints are. Tokens and secrets are
 * never logged nor put in an error message.
 */
@Injectable()
export class OAuth2TokenSource implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly guard: UrlGuard) {
    this.agent = new Agent({ connect: { lookup: guard.lookup }, keepAliveTimeout: 30_000 });
  }

  /** A usable access token for these credentials: the cached one, or a new one from the token endpoint. */
  async token(credentials: OAuth2Credentials, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const key = keyOf(credentials);
    const cached = this.cache.get(key);
    if (cached && cached.renewAt > Date.now()) return cached.accessToken;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(credentials, timeoutMs, signal).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const fresh = await pending;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, fresh);
    return fresh.accessToken;
  }

  /** Forgets a token an endpoint refused (401), unless a newer one has replaced it already. */
  refused(credentials: OAuth2Credentials, accessToken: string): void {
    const key = keyOf(credentials);
    if (this.cache.get(key)?.accessToken === accessToken) this.cache.delete(key);
  }

  private async fetch(c: OAuth2Credentials, timeoutMs: number, signal?: AbortSignal): Promise<CachedToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (c.scope) form.set('scope', c.scope);
    const deadline = AbortSignal.timeout(timeoutMs);
    let status: number;
    let text: string;
    try {
      this.guard.assertLiteralAllowed(new URL(c.tokenUrl));
      const res = await request(c.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: basic(c) },
        body: form.toString(),
        dispatcher: this.agent,
        signal: signal ? AbortSignal.any([deadline, signal]) : deadline,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new OAuth2TokenError(`token endpoint ${hostOf(c.tokenUrl)}: ${describeError(err, timeoutMs)}`);
    }
    const json = parse(text);
    if (status < 200 || status > 299) {
      // RFC 6749 §5.2: `error` is a short ASCII code; the description is left out (it may echo the request).
      const code = typeof json?.error === 'string' ? ` (${json.error.slice(0, 100)})` : '';
      throw new OAuth2TokenError(`token endpoint ${hostOf(c.tokenUrl)} answered ${status}${code}`);
    }
    const accessToken = json?.access_token;
    if (typeof accessToken !== 'string' || accessToken.length === 0) throw new OAuth2TokenError(`token endpoint ${hostOf(c.tokenUrl)} answered ${status} without an access_token`);
    if (typeof json?.token_type === 'string' && json.token_type.toLowerCase() !== 'bearer') {
      throw new OAuth2TokenError(`token endpoint ${hostOf(c.tokenUrl)} issued a ${json.token_type.slice(0, 40)} token; only Bearer tokens are supported`);
    }
    const lifetimeMs = typeof json?.expires_in === 'number' && json.expires_in > 0 ? json.expires_in * 1000 : DEFAULT_LIFETIME_MS;
    return { accessToken, renewAt: Date.now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 5) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

const hostOf = (url: string) => new URL(url).host;

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON: the status decides what is reported.
    return undefined;
  }
}
