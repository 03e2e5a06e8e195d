import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { SegmentedMessage } from 'sms-segments-calculator';

/** One request the stand-in received, as Twilio would see it. */
export interface TwilioRequest {
  method: string;
  path: string;
  authorization?: string;
  form: Record<string, string>;
  /** The status the stand-in answered with. */
  answered: number;
  sid?: string;
}

/** A scripted answer for the next request: an HTTP status and Twilio's error body. */
export interface ScriptedAnswer {
  status: number;
  code?: number;
  message?: string;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });

/** Twilio's DateSent filters compare the day (GMT) only: `2026-12-03` or `2026-12-03T10:00:00Z` both mean that day. */
const dayOf = (value: string): string | undefined => (/^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined);

/**
 * A local stand-in for Twilio's Messages API, answering as Twilio does:
 * - `POST /2010-04-01/Accounts/{sid}/Messages.json` (form-encoded, basic auth): 201 with the
 *   Message resource, or an error body `{code, message, more_info, status}`;
 * - `GET` of the same path: the list, newest first, filtered by `To`, `From`, `DateSent`,
 *   `DateSent<`, `DateSent>` (by day), paged by `PageSize` (default 50, at most 1000), `Page` and
 *   `PageToken`, with `next_page_uri` and the other paging fields.
 * Messages count as sent at once (`date_sent` set). Tests queue answers with `failNext`.
 */
export class TwilioStandIn {
  readonly requests: TwilioRequest[] = [];
  /** Every message created, oldest first, as the list returns it. */
  readonly messages: Record<string, unknown>[] = [];
  /**
   * While set, a create is taken (the message exists, the list shows it) but never answered: the
   * caller cannot learn it was accepted, as when it dies before Twilio's answer is recorded.
   */
  holdCreates = false;
  /** Creates taken and never answered (while `holdCreates` was set). */
  held = 0;
  /** Each answer leaves this long after the request is handled: a real API's round trip, so sends are in flight when a test stops the app. */
  answerDelayMs = 0;
  private readonly script: ScriptedAnswer[] = [];
  /** Answers for the next creates only (list calls are answered as usual). */
  private readonly createScript: ScriptedAnswer[] = [];
  /** Creates to swallow without taking them: no message exists and no answer comes (a request lost on the way). */
  dropCreates = 0;

  private readonly server: Server = createServer((req, res) => {
    void this.handle(req).then(async ({ status, body }) => {
      if (this.answerDelayMs > 0) await new Promise((r) => setTimeout(r, this.answerDelayMs));
      if (req.method === 'POST' && status === 201 && this.holdCreates) {
        this.held++;
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });

  private constructor(readonly accountSid: string) {}

  static async start(accountSid: string): Promise<TwilioStandIn> {
    const standIn = new TwilioStandIn(accountSid);
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  failNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** Like failNext, for creates (POST) only. */
  failNextCreates(...answers: ScriptedAnswer[]): void {
    this.createScript.push(...answers);
  }

  /** Requests that created a message (answered 201) to one number. */
  acceptedTo(to: string): TwilioRequest[] {
    return this.requests.filter((r) => r.form.To === to && r.answered === 201);
  }

  /** Creates-requests only (the list calls are left out). */
  creates(): TwilioRequest[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  to(to: string): TwilioRequest[] {
    return this.requests.filter((r) => r.form.To === to);
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const record: TwilioRequest = { method: req.method!, path: req.url!, authorization: req.headers.authorization, form, answered: 0 };
    this.requests.push(record);
    const expectedPath = `/2010-04-01/Accounts/${this.accountSid}/Messages.json`;
    const error = (status: number, code: number, message: string) => {
      record.answered = status;
      return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
    };
    const url = new URL(req.url!, 'http://stand-in');
    if (url.pathname !== expectedPath || (req.method !== 'POST' && req.method !== 'GET')) return error(404, 20404, `The requested resource ${req.url} was not found`);
    if (req.method === 'POST' && this.dropCreates > 0) {
      this.dropCreates--;
      return new Promise(() => undefined); // never answered, nothing created
    }
    const scripted = this.script.shift() ?? (req.method === 'POST' ? this.createScript.shift() : undefined);
    if (scripted) return error(scripted.status, scripted.code ?? 20500, scripted.message ?? 'Internal Server Error');
    if (req.method === 'GET') {
      record.answered = 200;
      return { status: 200, body: this.list(url, expectedPath) };
    }
    return this.create(form, record);
  }

  private list(url: URL, path: string): Record<string, unknown> {
    const q = url.searchParams;
    const day = (name: string) => {
      const v = q.get(name);
      return v === null ? undefined : (dayOf(v) ?? 'invalid');
    };
    const [on, before, after] = [day('DateSent'), day('DateSent<'), day('DateSent>')];
    const matches = this.messages
      .filter((m) => {
        const sent = m.date_sent ? new Date(m.date_sent as string).toISOString().slice(0, 10) : undefined;
        if (q.has('To') && m.to !== q.get('To')) return false;
        if (q.has('From') && m.from !== q.get('From')) return false;
        if ((on || before || after) && !sent) return false;
        if (on && sent !== on) return false;
        if (before && sent! > before) return false;
        if (after && sent! < after) return false;
        return true;
      })
      .reverse();
    const pageSize = Math.min(Math.max(Number(q.get('PageSize') ?? 50) || 50, 1), 1000);
    const page = Math.max(Number(q.get('Page') ?? 0) || 0, 0);
    const start = page * pageSize;
    const items = matches.slice(start, start + pageSize);
    const pageUri = (n: number) => {
      const next = new URLSearchParams(q);
      next.set('PageSize', String(pageSize));
      next.set('Page', String(n));
      return `${path}?${next.toString()}`;
    };
    return {
      messages: items,
      uri: `${path}?${url.searchParams.toString()}`,
      first_page_uri: pageUri(0),
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      next_page_uri: start + pageSize < matches.length ? pageUri(page + 1) : null,
      page,
      page_size: pageSize,
      start,
      end: start + Math.max(items.length - 1, 0),
    };
  }

  private create(form: Record<string, string>, record: TwilioRequest): { status: number; body: unknown } {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    record.answered = 201;
    record.sid = sid;
    const now = new Date().toUTCString();
    const message = {
        account_sid: this.accountSid,
        api_version: '2010-04-01',
        body: form.Body,
        date_created: now,
        date_sent: now,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: form.From ?? null,
        messaging_service_sid: form.MessagingServiceSid ?? null,
        num_media: '0',
        num_segments: String(new SegmentedMessage(form.Body ?? '').segmentsCount),
        price: null,
        price_unit: 'USD',
        sid,
        status: 'sent',
        subresource_uris: { media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}/Media.json` },
        to: form.To,
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
    };
    this.messages.push(message);
    return { status: 201, body: message };
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
    this.server.closeAllConnections(); // held requests would keep it open
    return closed;
  }
}
