import { Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';

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

/**
 * Standard Webhooks signatures (`standardwebhooks`' `Webhook.sign`): `v1,<base64 HMAC-SHA256>` of
 * `id.timestamp.body`. During a rotation's grace period the message carries both signatures,
 * space-separated, so a receiver holding either secret verifies it.
 */
@Injectable()
export class WebhookSigner {
  /** One Webhook per secret: its constructor decodes the key. Cleared wholesale when it grows (rotations). */
  private readonly keys = new Map<string, Webhook>();

  sign(id: string, body: string, keys: SigningKeys, now = new Date()): SignatureHeaders {
    const signatures = [this.webhook(keys.secret).sign(id, now, body)];
    if (keys.previousSecret && keys.previousSecretExpiresAt && keys.previousSecretExpiresAt > now) {
      signatures.push(this.webhook(keys.previousSecret).sign(id, now, body));
    }
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
    };
  }

  private webhook(secret: string): Webhook {
    let webhook = this.keys.get(secret);
    if (!webhook) {
      if (this.keys.size >= 10_000) this.keys.clear();
      webhook = new Webhook(secret);
      this.keys.set(secret, webhook);
    }
    return webhook;
  }
}

/** Header names whose values are credentials: shown as `<redacted>` in the attempt log. */
const SENSITIVE = /authorization|cookie|token|secret|api-?key|password|signature/i;

/** The request headers as the attempt log keeps them: signatures show their version only, credentials nothing. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'webhook-signature') out[name] = value.split(' ').map((s) => `${s.split(',')[0]},<redacted>`).join(' ');
    else out[name] = SENSITIVE.test(name) ? '<redacted>' : value;
  }
  return out;
}
