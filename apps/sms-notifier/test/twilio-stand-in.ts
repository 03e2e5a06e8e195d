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

/**
 * A local stand-in for Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`,
 * form-encoded, basic auth), answering as Twilio does: 201 with the Message resource, or an error
 * body `{code, message, more_info, status}`. Tests queue answers with `failNext`.
 */
export class TwilioStandIn {
  readonly requests: TwilioRequest[] = [];
  private readonly script: ScriptedAnswer[] = [];

  private readonly server: Server = createServer((req, res) => {
    void this.handle(req).then(({ status, body }) => {
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

  /** Requests that created a message (answered 201) to one number. */
  acceptedTo(to: string): TwilioRequest[] {
    return this.requests.filter((r) => r.form.To === to && r.answered === 201);
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
    if (req.method !== 'POST' || req.url !== expectedPath) return error(404, 20404, `The requested resource ${req.url} was not found`);
    const scripted = this.script.shift();
    if (scripted) return error(scripted.status, scripted.code ?? 20500, scripted.message ?? 'Internal Server Error');
    const sid = `SM${randomBytes(16).toString('hex')}`;
    record.answered = 201;
    record.sid = sid;
    const now = new Date().toUTCString();
    return {
      status: 201,
      body: {
        account_sid: this.accountSid,
        api_version: '2010-04-01',
        body: form.Body,
        date_created: now,
        date_sent: null,
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
        status: 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}/Media.json` },
        to: form.To,
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
      },
    };
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }
}
