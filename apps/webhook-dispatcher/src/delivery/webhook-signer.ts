import { Injectable } from '@nestjs/common';
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

export interface SigningKeys {
  secret: string;
  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  previousSecret?: string | null;
  previousSecretExpiresAt?: Date | null;
}

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`, keyed with the
 * base64 part of the `whsec_` secret. Computed with node:crypto (the `standardwebhooks` package's
 * pure-JS SHA-256 cost several % of the dispatcher's CPU under load); that package's `verify`
 * accepts them (webhook-signer.spec.ts). During a rotation's grace period the message carries
 * both signatures, space-separated, so a receiver holding either secret verifies it.
 */
@Injectable()
export class WebhookSigner {
  /** Decoded keys by secret. Cleared wholesale when it grows (rotations). */
  private readonly keys = new Map<string, KeyObject>();

  sign(id: string, body: string, keys: SigningKeys, now = new Date()): SignatureHeaders {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const content = `${id}.${timestamp}.${body}`;
    let signature = this.signature(keys.secret, content);
    if (keys.previousSecret && keys.previousSecretExpiresAt && keys.previousSecretExpiresAt > now) {
      signature += ` ${this.signature(keys.previousSecret, content)}`;
    }
    return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
  }

  private signature(secret: string, content: string): string {
    return `v1,${createHmac('sha256', this.key(secret)).update(content).digest('base64')}`;
  }

  private key(secret: string): KeyObject {
    let key = this.keys.get(secret);
    if (!key) {
      const bytes = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
      if (bytes.length === 0) throw new Error('a signing secret must hold a base64 key after its whsec_ prefix');
      if (this.keys.size >= 10_000) this.keys.clear();
      key = createSecretKey(bytes);
      this.keys.set(secret, key);
    }
    return key;
  }
}

/** Header names whose values are credentials: shown as `<redacted>` in the attempt log. */
const SENSITIVE = /authorization|cookie|token|secret|api-?key|password|signature/i;

/** The request headers as the attempt log keeps them: signatures show their version only, credentials nothing. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    const kind = headerKind(name);
    if (kind === 'signature') out[name] = value.split(' ').map((s) => `${s.split(',')[0]},<redacted>`).join(' ');
    else out[name] = kind === 'secret' ? '<redacted>' : value;
  }
  return out;
}

/** How each header name is logged, by name: every attempt logs the same few names, so the pattern runs once per name. */
const kinds = new Map<string, 'signature' | 'secret' | 'plain'>();

function headerKind(name: string): 'signature' | 'secret' | 'plain' {
  let kind = kinds.get(name);
  if (kind === undefined) {
    kind = name.toLowerCase() === 'webhook-signature' ? 'signature' : SENSITIVE.test(name) ? 'secret' : 'plain';
    // Names come from subscriptions' own headers too: bounded, cleared wholesale when it grows.
    if (kinds.size >= 10_000) kinds.clear();
    kinds.set(name, kind);
  }
  return kind;
}
