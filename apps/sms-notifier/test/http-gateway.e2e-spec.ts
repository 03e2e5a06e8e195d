import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEnvelope } from '@app/events';
import { NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { MeshProbe, RunningSmsNotifier, startSmsNotifier, testEventsConfig } from './support.js';

interface GatewayRequest {
  path: string;
  idempotencyKey?: string;
  form: Record<string, string>;
}

/** A Kavenegar-style gateway: form-encoded `receptor`/`message`/`sender`, the API key in the path, JSON answers. */
class KavenegarStandIn {
  readonly requests: GatewayRequest[] = [];
  /** Statuses to answer before accepting. */
  readonly failures: number[] = [];
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      this.requests.push({ path: req.url!, idempotencyKey: typeof key === 'string' ? key : undefined, form: Object.fromEntries(new URLSearchParams(body)) });
      const status = this.failures.shift();
      if (status) return res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ return: { status, message: 'خطا' }, entries: null }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ return: { status: 200, message: 'تایید شد' }, entries: [{ messageid: 8792000 + this.requests.length, status: 1 }] }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('sms-notifier with the HTTP gateway provider (real nats-server and PostgreSQL, Kavenegar-style stand-in)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let sms: RunningSmsNotifier;
  let mesh: MeshProbe;
  const gateway = new KavenegarStandIn();

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('sms_http_gateway');
    const url = await gateway.start();
    sms = await startSmsNotifier({
      events: testEventsConfig(nats, db, 'admin'),
      sms: {
        provider: 'http',
        http: {
          url: `${url}/v1/SECRET-API-KEY/sms/send.json`,
          method: 'POST',
          contentType: 'application/x-www-form-urlencoded',
          bodyTemplate: 'receptor={{to}}&message={{text}}&sender={{from}}',
          authHeader: 'Authorization',
          idempotencyHeader: 'Idempotency-Key',
          messageIdPath: 'entries.0.messageid',
          from: '10004346',
        },
      },
    });
    mesh = await MeshProbe.connect(nats);
    await waitFor(() => mesh.jsm.consumers.info('EVENTS', 'sms-notifier'), { message: 'durable sms-notifier never appeared' });
  });

  afterAll(async () => {
    await mesh?.close();
    await sms?.close();
    await gateway.close();
    await nats?.close();
    await db?.drop();
  });

  it('sends the rendered form, and retries after a 502 with the same idempotency key, once accepted', async () => {
    gateway.failures.push(502);
    const order = await mesh.publish('payment.status_changed', { orderId: 77, newStatus: 'success', phone: '0912 555 0101', locale: 'fa' }, { resourceType: 'order', resourceId: '77' });
    const sent = await mesh.waitOutcome(order.id, 'sms.sent');
    await mesh.settled();

    const [{ id }] = (await db.query<{ id: string }>('SELECT id FROM sms_messages WHERE event_id = $1', [order.id])).rows;
    expect(gateway.requests).toEqual([
      { path: '/v1/SECRET-API-KEY/sms/send.json', idempotencyKey: id, form: { receptor: '+989125550101', message: 'پرداخت سفارش #77 با موفقیت انجام شد', sender: '10004346' } },
      { path: '/v1/SECRET-API-KEY/sms/send.json', idempotencyKey: id, form: { receptor: '+989125550101', message: 'پرداخت سفارش #77 با موفقیت انجام شد', sender: '10004346' } },
    ]);
    expect(sent.data).toMatchObject({ smsId: id, provider: 'http', providerMessageId: '8792002', encoding: 'UCS-2', segments: 1 });
    expect(sms.logger.lines.join('\n')).not.toContain('+989125550101');
  });

  it('sends an unrecorded claim again under the same idempotency key (the gateway drops a repeat), with no unknown outcome', async () => {
    const event = createEnvelope('order.status_changed', { orderId: 78, newStatus: 'Started', phone: '+989125550102', locale: 'en' }, 'shop');
    const id = crypto.randomUUID();
    await db.query(
      `INSERT INTO sms_messages (id, event_id, rule_id, recipient, status, event_type, template_key, locale, body, encoding, segments, attempts, claimed_at)
       VALUES ($1, $2, '0193a000-0000-7000-8000-000000000001', '+989125550102', 'sending', 'order.status_changed', 'order_confirmation', 'en', 'Order 78', 'GSM-7', 1, 1, now() - interval '1 hour')`,
      [id, event.id],
    );
    const before = gateway.requests.length;
    await mesh.publishEnvelope(event);
    await mesh.waitOutcome(event.id, 'sms.sent');
    await mesh.settled();

    expect(gateway.requests.slice(before)).toEqual([{ path: '/v1/SECRET-API-KEY/sms/send.json', idempotencyKey: id, form: { receptor: '+989125550102', message: 'Order 78', sender: '10004346' } }]);
    expect(mesh.outcomesOf(event.id).map((e) => e.type)).toEqual(['sms.sent']);
    expect(sms.logger.lines.some((l) => l.includes(`SMS ${id}: http drops a repeat of its idempotency key`))).toBe(true);
  });

  it('has no status callback route for a provider that does not sign its reports', async () => {
    const res = await fetch(`${sms.url}/sms/status/http`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/only twilio signs them, and this app sends with http/);
  });
});
