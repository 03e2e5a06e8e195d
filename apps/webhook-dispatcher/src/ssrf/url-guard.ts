import { Inject, Injectable } from '@nestjs/common';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { refusedAddressReason } from './address-policy.js';

/** A target the SSRF policy refuses; the message says why and how to allow it. */
export class RefusedTargetError extends Error {
  readonly code = 'EWEBHOOKTARGET';
  constructor(message: string) {
    super(message);
    this.name = 'RefusedTargetError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * The SSRF policy of webhook targets. A url is checked when a subscription is saved
 * ({@link problemWith}), and every connection a delivery opens resolves its host through
 * {@link lookup}, which refuses private addresses and hands the socket exactly the address it
 * checked, so a name that rebinds to 127.0.0.1 after the check cannot be reached.
 */
@Injectable()
export class UrlGuard {
  constructor(@Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig) {}

  /** Scheme rules only (no DNS): what is wrong with the url, or undefined. */
  schemeProblem(raw: string): string | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'url must be an absolute http(s) URL such as https://example.com/webhooks';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `url must use https (got ${url.protocol.replace(':', '')})`;
    if (url.protocol === 'http:' && !this.config.allowHttp) return 'url must use https in production (set WEBHOOK_ALLOW_HTTP=true to allow plain http)';
    if (url.username || url.password) return 'url must not contain credentials; send them in headers instead';
    return undefined;
  }

  /** What is wrong with the url as a webhook target, resolving its host now; undefined when it may be used. */
  async problemWith(raw: string): Promise<string | undefined> {
    const scheme = this.schemeProblem(raw);
    if (scheme || this.config.allowPrivate) return scheme;
    const host = hostOf(new URL(raw));
    let addresses: LookupAddress[];
    try {
      addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
        dnsLookup(host, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
      );
    } catch (err) {
      return `url host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
    const refused = addresses.map((a) => refusedAddressReason(a.address)).find(Boolean);
    return refused ? `url host ${host} resolves to a non-public address (${refused}); ${this.hint}` : undefined;
  }

  /** Refuses a literal-IP url at once (connections to an IP do not go through {@link lookup}). */
  assertLiteralAllowed(url: URL): void {
    if (this.config.allowPrivate) return;
    const host = hostOf(url);
    if (!isIP(host)) return;
    const refused = refusedAddressReason(host);
    if (refused) throw new RefusedTargetError(`refused to connect: ${refused}; ${this.hint}`);
  }

  /** `net.connect`'s lookup, for the HTTP agent: resolves, refuses non-public addresses, returns only what it checked. */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!this.config.allowPrivate) {
        const refused = addresses.map((a) => refusedAddressReason(a.address)).find(Boolean);
        if (refused) return callback(new RefusedTargetError(`refused to connect to ${hostname}: ${refused}; ${this.hint}`), []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };

  private readonly hint = 'webhooks may only target public addresses (WEBHOOK_ALLOW_PRIVATE=true allows others, for development)';
}
