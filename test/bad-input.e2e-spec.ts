import { INestApplication } from '@nestjs/common';
import { ADMIN_KEYS, freePort, LogCapture, NatsServerHarness, PHONES, phoneSpellings, TWILIO, WEBHOOK_HEADERS } from '@app/testing';
import { AppModule as VendorModule } from '../apps/vendor-service/src/app.module.js';
import { configureApp as configureVendor } from '../apps/vendor-service/src/configure-app.js';
import { AppModule as StoreModule } from '../apps/event-store/src/app.module.js';
import { configureApp as configureStore } from '../apps/event-store/src/configure-app.js';
import { AppModule as SyncModule } from '../apps/search-sync/src/app.module.js';
import { configureApp as configureSync } from '../apps/search-sync/src/configure-app.js';
import { AppModule as DispatcherModule } from '../apps/webhook-dispatcher/src/app.module.js';
import { configureApp as configureDispatcher } from '../apps/webhook-dispatcher/src/configure-app.js';
import { AppModule as SmsModule } from '../apps/sms-notifier/src/app.module.js';
import { configureApp as configureSms } from '../apps/sms-notifier/src/configure-app.js';
import { TwilioStandIn } from '../apps/sms-notifier/test/twilio-stand-in.js';
import { InProcessApps } from './support/in-process-apps.js';

/**
 * Every route of every app, found by walking each booted app's router (so a new route is covered
 * without editing this file), sent what a careless or hostile client sends: NUL and lone
 * surrogates, deep JSON, other content types and charsets, huge and malformed numbers, bad
 * patterns, oversized bodies, encoded path tricks. No answer may be a 5xx; every 4xx must name the
 * field or say what to send; and no log line of the whole run may hold a secret or phone number
 * the run used.
 */

// From the registry the whole-run log scan reads (libs/testing/src/test-secrets.ts).
const KEY = ADMIN_KEYS.badInput;
const PHONE = PHONES.badInput;
const PHONE_NATIONAL = phoneSpellings(PHONE).find((s) => s.form === 'national digits')!.text;
const TWILIO_TOKEN = TWILIO.badInputToken;
const HEADER_SECRET = WEBHOOK_HEADERS.badInput;

interface Route {
  app: string;
  base: string;
  method: string;
  path: string;
}

interface Probe {
  what: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

interface Answer {
  probe: Probe;
  status: number;
  body: Record<string, unknown> | undefined;
  text: string;
}

/** The routes Express holds for a Nest app: `{ method, path }` of each route layer. */
function routesOf(app: INestApplication): Array<{ method: string; path: string }> {
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router;
  const out: Array<{ method: string; path: string }> = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).map((m) => m.toUpperCase());
    // `@All` routes list every method Node knows; the ones clients send are enough.
    for (const method of methods.length > 5 ? ['GET', 'POST', 'PATCH', 'DELETE'] : methods) out.push({ method, path: layer.route.path });
  }
  return out;
}

/** The path with each `:param` replaced (a wildcard `*name` gets a plain segment). */
const fill = (path: string, value: string) => path.replace(/:[A-Za-z_]+/g, value).replace(/\*[A-Za-z_]+/g, 'health');

const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);

const BAD_PARAMS = ['%00', '-1', '0', '99999999999999999999', '1e3', '0x10', '%20%35', 'x'.repeat(300), '%ED%A0%80', '%E0%A4%A', '..%2f..%2fetc'];
const BAD_VALUES = ['0x10', '%205', '99999999999999999999999', '', '-1', '%00', '_', 'a.'.repeat(3000) + 'b'];
const QUERY_NAMES = ['limit', 'offset', 'page', 'q', 'type', 'pattern'];
const FIELDS = ['name', 'url', 'phone', 'eventPattern', 'eventTypes', 'type', 'text', 'seqs'];

function probesFor(route: Route): Probe[] {
  const base = `${route.base}${fill(route.path, '0190b7f0-0000-7000-8000-000000000001')}`;
  const json = { 'content-type': 'application/json' };
  const probes: Probe[] = [];
  for (const p of BAD_PARAMS) if (route.path.includes(':')) probes.push({ what: `param ${p}`, method: route.method, url: `${route.base}${fill(route.path, p)}`, headers: json, body: route.method === 'GET' ? undefined : '{}' });
  for (const name of QUERY_NAMES) {
    for (const v of BAD_VALUES) probes.push({ what: `query ${name}=${v.slice(0, 20)}`, method: route.method, url: `${base}?${name}=${v}`, headers: json, body: route.method === 'GET' ? undefined : '{}' });
  }
  if (route.method !== 'GET') {
    const send = (what: string, body: string | Buffer, contentType = 'application/json') => probes.push({ what, method: route.method, url: base, headers: { 'content-type': contentType }, body });
    for (const f of FIELDS) {
      send(`${f} with NUL`, JSON.stringify({ [f]: 'a\u0000', phone: PHONE, name: 'n' }));
      send(`${f} with a lone surrogate`, `{"${f}":"a\\ud800","name":"n"}`);
      send(`${f} null`, JSON.stringify({ [f]: null, consumer: 'search-sync' }));
      send(`${f} a huge number`, `{"${f}":99999999999999999999999}`);
      send(`${f} a long pattern`, JSON.stringify({ [f]: 'a.'.repeat(5000) + 'b', eventTypes: ['_'] }));
    }
    send('NUL in a key', '{"a\\u0000":1}');
    send('5,000 deep', deep(5_000));
    send('20,000 deep array', deepArray(20_000));
    send('33 deep', deep(33));
    send('malformed JSON', '{"name": ');
    send('JSON scalar', '"text"');
    send('utf-16', Buffer.from('{"name":"x"}', 'utf16le'), 'application/json; charset=utf-16');
    send('latin1', '{"name":"x"}', 'application/json; charset=latin1');
    send('xml', '<vendor><name>x</name></vendor>', 'application/xml');
    send('form', 'name=x&phone=%2B14155550123', 'application/x-www-form-urlencoded');
    send('multipart', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', 'multipart/form-data; boundary=b');
    send('text', 'hello', 'text/plain');
    send('no content type', 'hello', '');
    send('3 MB', JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) }));
  }
  return probes;
}

/** What a 4xx must carry: the field at fault, or (415, 413, 401, 403, 404, 405, 409, 429) what to send or do. */
function problemWith(a: Answer): string | undefined {
  if (a.status >= 500) return `answered ${a.status}: ${a.text.slice(0, 300)}`;
  if (a.status < 400) return undefined;
  const b = a.body;
  if (!b || typeof b.message === 'undefined' || b.statusCode !== a.status || typeof b.error !== 'string') return `${a.status} not in the edge's shape: ${a.text.slice(0, 300)}`;
  const message = ([] as unknown[]).concat(b.message).join('; ');
  if (a.status === 400 && typeof b.field !== 'string') return `400 without field: ${message}`;
  if (a.status === 415 && !message.includes('application/json')) return `415 not saying what to send: ${message}`;
  if (a.status === 413 && !/\d+ bytes/.test(message)) return `413 not naming the limit: ${message}`;
  if (message.length < 10) return `${a.status} with a bare message: ${message}`;
  return undefined;
}

async function send(probe: Probe): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    const res = await fetch(probe.url, { method: probe.method, headers: { 'x-api-key': KEY, ...(probe.headers ?? {}) }, body: probe.body, signal: controller.signal });
    if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      await res.body?.cancel();
      return { probe, status: res.status, body: undefined, text: '' };
    }
    const text = await res.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    return { probe, status: res.status, body, text };
  } finally {
    clearTimeout(timer);
  }
}

describe('bad input over every route of every app (real nats-server and PostgreSQL)', () => {
  const logs = new LogCapture();
  let nats: NatsServerHarness;
  let twilio: TwilioStandIn;
  let mesh: InProcessApps;
  const secrets: string[] = [PHONE, PHONE_NATIONAL, TWILIO_TOKEN, HEADER_SECRET, 'header-secret-bad-input'];

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    twilio = await TwilioStandIn.start('ACbadinput');
    mesh = new InProcessApps(nats, KEY, logs);
    const storeUrl = await mesh.boot('event-store', configureStore(await mesh.nest(StoreModule.forRoot(await mesh.events('bad_input_store')))), true);
    await mesh.boot('vendor-service', configureVendor(await mesh.nest(VendorModule.forRoot(await mesh.events('bad_input_vendors')))), false);
    await mesh.boot('search-sync', configureSync(await mesh.nest(SyncModule.forRoot({ events: await mesh.events('bad_input_sync'), search: { provider: 'local', eventStoreUrl: storeUrl } }))), true);
    await mesh.boot(
      'webhook-dispatcher',
      configureDispatcher(await mesh.nest(DispatcherModule.forRoot({ events: await mesh.events('bad_input_webhooks'), webhooks: { allowPrivate: true, allowHttp: true } }))),
      true,
    );
    const smsPort = await freePort();
    await mesh.boot(
      'sms-notifier',
      configureSms(
        await mesh.nest(
          SmsModule.forRoot({
            events: await mesh.events('bad_input_sms'),
            sms: { provider: 'twilio', publicBaseUrl: `http://127.0.0.1:${smsPort}`, twilio: { accountSid: 'ACbadinput', authToken: TWILIO_TOKEN, from: '+15005550006', apiBaseUrl: twilio.url } },
          }),
        ),
      ),
      true,
      smsPort,
    );
    await mesh.bootConsole();
  });

  afterAll(async () => {
    await mesh?.close();
    await twilio?.close();
    await nats?.close();
  });

  const url = (name: string) => mesh.url(name);
  const post = (base: string, path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify(body) });

  it('gives no 5xx and a 4xx naming the field or what to send, on every route of every app', async () => {
    // Things that hold secrets exist first, so a leak of theirs would show in the logs.
    const created = await post(url('webhook-dispatcher'), '/webhooks/subscriptions', { name: 'leak-check', url: 'http://127.0.0.1:9/hook', eventTypes: ['vendor.*'], headers: { Authorization: HEADER_SECRET } });
    expect(created.status).toBe(201);
    const subscription = (await created.json()) as { id: string; secret: string; headers: Record<string, string> };
    secrets.push(subscription.secret);
    expect(subscription.headers.Authorization).toBe('<redacted>');
    const shown = await (await fetch(`${url('webhook-dispatcher')}/webhooks/subscriptions/${subscription.id}`, { headers: { 'x-api-key': KEY } })).text();
    expect(shown).not.toContain('header-secret-bad-input');
    expect(shown).not.toContain(subscription.secret);
    expect((await post(url('vendor-service'), '/vendors', { name: 'leak check', phone: PHONE })).status).toBe(201);

    const routes: Route[] = mesh.apps.flatMap((a) => routesOf(a.app).map((r) => ({ app: a.name, base: a.url, ...r })));
    expect(routes.length).toBeGreaterThan(60);
    const failures: Array<{ key: string; line: string }> = [];
    let sent = 0;
    for (const route of routes) {
      const probes = probesFor(route);
      // Sixteen at a time: enough to finish quickly, few enough for a shared 2-core machine.
      for (let i = 0; i < probes.length; i += 16) {
        const answers = await Promise.all(probes.slice(i, i + 16).map(send));
        sent += answers.length;
        for (const a of answers) {
          const problem = problemWith(a);
          if (problem) {
            failures.push({
              key: `${route.app} ${route.method} ${route.path} ${problem.slice(0, 40)}`,
              line: `${route.app} ${a.probe.method} ${a.probe.url.slice(route.base.length, route.base.length + 80)} [${a.probe.what.slice(0, 40)}]: ${problem}`,
            });
          }
        }
      }
    }
    console.log(`bad-input: ${sent} requests over ${routes.length} routes`);
    expect(sent).toBeGreaterThan(2_000);
    // One line per route and kind of failure, so a single fault does not hide the others.
    const distinct = [...new Map(failures.map((f) => [f.key, f.line])).values()];
    expect(distinct.slice(0, 60)).toEqual([]);
  }, 600_000);

  it('answers the console proxy with an encoded app name as that app, and refuses a bad sequence by name', async () => {
    const res = await fetch(`${url('console')}/api/apps/event-stor%65/events?limit=1`, { headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(200);
    for (const seq of ['-1', '99999999999999999999', '0x10']) {
      const bad = await fetch(`${url('console')}/api/dead-letters/${seq}`, { headers: { 'x-api-key': KEY } });
      expect({ status: bad.status, body: await bad.json() }).toMatchObject({ status: 400, body: { field: 'seq' } });
    }
  });

  it('sets security headers and no X-Powered-By on every app; the console forbids framing', async () => {
    for (const a of mesh.apps) {
      const res = await fetch(`${a.url}/health`);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('refuses the cross-site form write on POST /vendors with a 415 saying what to send', async () => {
    const res = await fetch(`${url('vendor-service')}/vendors`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `name=forged&phone=${encodeURIComponent(PHONES.badInputForm)}` });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toContain('application/json');
  });

  it('keeps every secret and phone number the run used out of every log line', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.leaks(secrets)).toEqual([]);
    // Any signing secret or full number, not only the ones this run knows of.
    expect(logs.lines.filter((l) => /whsec_[A-Za-z0-9+/=]{16,}|\+1415555\d{4}/.test(l)).map((l) => l.slice(0, 300))).toEqual([]);
  });
});
