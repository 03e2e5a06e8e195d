import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleSmsProvider } from '../src/providers/console.provider.js';
import { HttpGatewaySmsProvider } from '../src/providers/http-gateway.provider.js';
import { createSmsProviders } from '../src/providers/providers.module.js';
import { ProviderRejectedError, ProviderUnavailableError, type SmsProvider } from '../src/providers/sms-provider.js';
import { TwilioSmsProvider } from '../src/providers/twilio.provider.js';
import type { HttpGatewayConfig, SmsConfig } from '../src/config/sms-config.js';
import { TwilioStandIn } from './twilio-stand-in.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A gateway that answers each request with the next scripted handler. */
async function gateway(...answers: ((res: ServerResponse) => void)[]): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      (answers.shift() ?? ((r) => r.writeHead(500).end()))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const SMS = { to: '+989121234567', text: 'سفارش #1 & "ok"', idempotencyKey: '0193a1b2-0000-7000-8000-000000000abc' };

describe(HttpGatewaySmsProvider.name, () => {
  const kavenegar = (url: string): HttpGatewayConfig => ({
    url: `${url}/v1/API-KEY/sms/send.json`,
    method: 'POST',
    contentType: 'application/x-www-form-urlencoded',
    bodyTemplate: 'receptor={{to}}&message={{text}}&sender={{from}}&localid={{idempotencyKey}}',
    authHeader: 'Authorization',
    idempotencyHeader: 'Idempotency-Key',
    messageIdPath: 'entries.0.messageid',
    from: '10004346',
  });

  it('renders a form body from the template, escaped, and reads the message id from the answer', async () => {
    const gw = await gateway(json(200, { return: { status: 200, message: 'تایید شد' }, entries: [{ messageid: 8792343, status: 1 }] }));
    try {
      const sent = await new HttpGatewaySmsProvider(kavenegar(gw.url), 2_000).send(SMS);
      expect(sent).toEqual({ providerMessageId: '8792343' });
      const [req] = gw.seen;
      expect(req).toMatchObject({ method: 'POST', url: '/v1/API-KEY/sms/send.json' });
      expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(req.headers['idempotency-key']).toBe(SMS.idempotencyKey);
      expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ receptor: SMS.to, message: SMS.text, sender: '10004346', localid: SMS.idempotencyKey });
    } finally {
      await gw.close();
    }
  });

  it('renders a JSON body with the text escaped inside its string and sends the auth header', async () => {
    const gw = await gateway(json(202, { id: 'msg-1' }));
    try {
      const config: HttpGatewayConfig = {
        ...kavenegar(gw.url),
        contentType: 'application/json',
        bodyTemplate: '{"to":"{{to}}","text":"{{text}}"}',
        auth: 'Bearer secret',
        messageIdPath: 'id',
      };
      expect(await new HttpGatewaySmsProvider(config, 2_000).send(SMS)).toEqual({ providerMessageId: 'msg-1' });
      expect(JSON.parse(gw.seen[0].body)).toEqual({ to: SMS.to, text: SMS.text });
      expect(gw.seen[0].headers.authorization).toBe('Bearer secret');
    } finally {
      await gw.close();
    }
  });

  it('asks for a retry on 5xx and 429 (with Retry-After) and on a timeout, and gives up on a 4xx', async () => {
    const gw = await gateway(
      json(503, { error: 'maintenance' }),
      json(429, { error: 'slow down' }, { 'retry-after': '7' }),
      json(411, { return: { status: 411, message: 'receptor invalid' } }),
      () => undefined, // never answers
    );
    try {
      const provider = new HttpGatewaySmsProvider(kavenegar(gw.url), 300);
      await expect(provider.send(SMS)).rejects.toThrow(new ProviderUnavailableError('SMS gateway 503: {"error":"maintenance"}'));
      await expect(provider.send(SMS)).rejects.toMatchObject({ name: 'ProviderUnavailableError', retryAfterMs: 7_000 });
      await expect(provider.send(SMS)).rejects.toBeInstanceOf(ProviderRejectedError);
      await expect(provider.send(SMS)).rejects.toThrow(/SMS gateway unreachable: no answer within 300 ms/);
    } finally {
      await gw.close();
    }
  });
});

describe(TwilioSmsProvider.name, () => {
  const ACCOUNT = 'AC' + 'b2'.repeat(16);

  it('maps Twilio 429 and 5xx to retry-later, other errors to a permanent rejection, and no answer to retry-later', async () => {
    const api = await TwilioStandIn.start(ACCOUNT);
    const apiBaseUrl = api.url;
    try {
      const provider = new TwilioSmsProvider({ accountSid: ACCOUNT, authToken: 't', from: '+15005550006', apiBaseUrl }, 2_000);
      api.failNext({ status: 429, code: 20429, message: 'Too Many Requests' }, { status: 503 }, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
      await expect(provider.send(SMS)).rejects.toThrow(new ProviderUnavailableError('Twilio 429 (error 20429): Too Many Requests'));
      await expect(provider.send(SMS)).rejects.toBeInstanceOf(ProviderUnavailableError);
      await expect(provider.send(SMS)).rejects.toThrow(new ProviderRejectedError('Twilio 400 (error 21610): Attempt to send to unsubscribed recipient'));
      const sent = await provider.send(SMS);
      expect(sent.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
      expect(sent.segments).toBe(1);
      expect(api.requests.map((r) => r.form.Body)).toEqual(Array(4).fill(SMS.text));
    } finally {
      await api.close();
    }
    // The stand-in is gone: nothing listens at its address any more.
    const closed = new TwilioSmsProvider({ accountSid: ACCOUNT, authToken: 't', from: '+15005550006', apiBaseUrl }, 2_000);
    await expect(closed.send(SMS)).rejects.toThrow(/^Twilio unreachable \((ECONNREFUSED|ECONNRESET)\)/);
  });
});

describe(`${TwilioSmsProvider.name}.findSent (Messages list on the stand-in, through the twilio client)`, () => {
  const ACCOUNT = 'AC' + 'c3'.repeat(16);

  it('finds the message an unrecorded claim sent, across list pages, and only that one', async () => {
    const api = await TwilioStandIn.start(ACCOUNT);
    try {
      const provider = new TwilioSmsProvider({ accountSid: ACCOUNT, authToken: 't', from: '+15005550006', apiBaseUrl: api.url }, 5_000);
      const claimedAt = new Date();
      const lost = await provider.send(SMS);
      // 120 newer messages to the number push the lost one to the third page of 50.
      for (let i = 0; i < 120; i++) await provider.send({ ...SMS, text: `other ${i}`, idempotencyKey: `k${i}` });
      const unrecorded = { ...SMS, claimedAt, recordedIds: new Set<string>() };

      expect(await provider.findSent(unrecorded)).toEqual({ kind: 'found', providerMessageId: lost.providerMessageId });
      const lists = api.requests.filter((r) => r.method === 'GET');
      expect(lists.length).toBeGreaterThanOrEqual(2); // followed next_page_uri
      const first = new URL(lists[0].path, 'http://x').searchParams;
      expect(first.get('To')).toBe(SMS.to);
      expect(first.get('DateSent>')).toBe(`${claimedAt.toISOString().slice(0, 10)}T00:00:00Z`);

      // Already recorded for another row, another text, another number, or created long before the claim: not this SMS.
      expect(await provider.findSent({ ...unrecorded, recordedIds: new Set([lost.providerMessageId]) })).toEqual({ kind: 'not_found' });
      expect(await provider.findSent({ ...unrecorded, text: 'never sent' })).toEqual({ kind: 'not_found' });
      expect(await provider.findSent({ ...unrecorded, to: '+989121234500' })).toEqual({ kind: 'not_found' });
      expect(await provider.findSent({ ...unrecorded, claimedAt: new Date(Date.now() + 3_600_000) })).toEqual({ kind: 'not_found' });

      api.failNext({ status: 503 });
      await expect(provider.findSent(unrecorded)).rejects.toBeInstanceOf(ProviderUnavailableError);
    } finally {
      await api.close();
    }
  });

  it('lets a gateway with an idempotency key resend, and says unknown for one without a key and for the console', async () => {
    const config: HttpGatewayConfig = {
      url: 'http://127.0.0.1:9/send',
      method: 'POST',
      contentType: 'application/json',
      bodyTemplate: '{}',
      authHeader: 'Authorization',
      idempotencyHeader: 'Idempotency-Key',
      messageIdPath: 'id',
    };
    const unrecorded = { ...SMS, claimedAt: new Date(), recordedIds: new Set<string>() };
    const providers: SmsProvider[] = [new HttpGatewaySmsProvider(config, 1_000), new HttpGatewaySmsProvider({ ...config, idempotencyHeader: undefined }, 1_000), new ConsoleSmsProvider()];
    expect(await Promise.all(providers.map((p) => p.findSent(unrecorded)))).toEqual([{ kind: 'idempotent' }, { kind: 'unknown' }, { kind: 'unknown' }]);
  });
});

describe(createSmsProviders.name, () => {
  const base = { defaultRegion: 'IR', ratePerHour: 0, providerTimeoutMs: 1_000, maxEventAgeMs: 0, sendingLeaseMs: 6_000, circuitFailures: 5, circuitOpenMs: 30_000, heldPollMs: 5_000 } as const;

  it('builds the configured provider and throws on an unknown one instead of falling back', () => {
    expect(createSmsProviders({ ...base, provider: 'console' }).map((p) => p.name)).toEqual(['console']);
    expect(() => createSmsProviders({ ...base, provider: 'kavenegar' } as unknown as SmsConfig)).toThrow('Unknown SMS provider "kavenegar": use console, twilio or http');
    expect(() => createSmsProviders({ ...base, provider: 'twilio' })).toThrow(/TWILIO_ACCOUNT_SID/);
  });

  it('builds the fallback list in its order, and throws when one of them lacks its settings', () => {
    const http = { url: 'http://127.0.0.1:9/sms', method: 'POST', contentType: 'application/json', bodyTemplate: '{}', authHeader: 'Authorization', messageIdPath: 'id' } as const;
    expect(createSmsProviders({ ...base, provider: 'console', providers: ['http', 'console'], http }).map((p) => p.name)).toEqual(['http', 'console']);
    expect(() => createSmsProviders({ ...base, provider: 'console', providers: ['console', 'twilio'] })).toThrow(/TWILIO_ACCOUNT_SID/);
  });
});
