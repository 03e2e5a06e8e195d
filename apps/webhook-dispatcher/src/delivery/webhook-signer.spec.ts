import { Webhook } from 'standardwebhooks';
import { redactHeaders, WebhookSigner } from './webhook-signer.js';
import { newSigningSecret } from '../subscriptions/signing-secret.js';

describe(WebhookSigner.name, () => {
  const signer = new WebhookSigner();
  const body = JSON.stringify({ specversion: '1.0', id: 'evt-1', type: 'vendor.created', data: { name: 'Taco' } });

  it('signs so that standardwebhooks verify accepts the message', () => {
    const secret = newSigningSecret();
    const headers = signer.sign('evt-1', body, { secret });
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('gives the same signature as standardwebhooks sign, for any body', () => {
    const secret = newSigningSecret();
    const at = new Date('2026-12-04T18:00:00.500Z');
    for (const text of [body, '', 'ünïcødé ✓ "quoted"\n', 'x'.repeat(10_000)]) {
      expect(signer.sign('msg_1', text, { secret }, at)['webhook-signature']).toBe(new Webhook(secret).sign('msg_1', at, text));
    }
  });

  it('is refused by a receiver with another secret or a changed body', () => {
    const headers = signer.sign('evt-1', body, { secret: newSigningSecret() });
    expect(() => new Webhook(newSigningSecret()).verify(body, { ...headers })).toThrow('No matching signature found');
  });

  it('carries both signatures during the grace period, only the new one after it', () => {
    const [oldSecret, newSecret] = [newSigningSecret(), newSigningSecret()];
    const now = new Date();
    const during = signer.sign('evt-1', body, { secret: newSecret, previousSecret: oldSecret, previousSecretExpiresAt: new Date(now.getTime() + 1000) }, now);
    expect(during['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, { ...during })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...during })).not.toThrow();
    const after = signer.sign('evt-1', body, { secret: newSecret, previousSecret: oldSecret, previousSecretExpiresAt: new Date(now.getTime() - 1) }, now);
    expect(() => new Webhook(oldSecret).verify(body, { ...after })).toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...after })).not.toThrow();
  });
});

describe('redactHeaders', () => {
  it('keeps the signature version and hides credentials', () => {
    expect(redactHeaders({ 'webhook-signature': 'v1,abc v1,def', Authorization: 'Bearer x', 'X-Api-Key': 'k', 'X-Tenant': 't' })).toEqual({
      'webhook-signature': 'v1,<redacted> v1,<redacted>',
      Authorization: '<redacted>',
      'X-Api-Key': '<redacted>',
      'X-Tenant': 't',
    });
  });
});
