import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Collector } from '@app/testing';

export interface ReceivedRequest {
  n: number;
  at: number;
  headers: Record<string, string>;
  body: string;
  /** The status the receiver answered with (undefined when it never answered). */
  status?: number;
  /** When the answer was written. */
  answeredAt?: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer only after this long (past the subscription's timeout: a slow endpoint). */
  delayMs?: number;
  /** Never answer; the request hangs until the client gives up. */
  hang?: boolean;
}

/** A local webhook endpoint that records every request and answers as `reply` says for the nth one. */
export class Receiver {
  readonly requests = new Collector<ReceivedRequest>();
  /** Requests answered with a 2xx. */
  readonly delivered = new Collector<ReceivedRequest>();
  reply: (n: number, req: ReceivedRequest) => Reply = () => ({ status: 200, body: 'ok' });
  /** Most requests open at once (arrived, not yet answered or given up by the client). */
  maxOpen = 0;
  private open = 0;
  private count = 0;

  private readonly server: Server;

  private constructor(private readonly path: string) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  static async start(path = '/hook'): Promise<Receiver> {
    const receiver = new Receiver(path);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.path}`;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    this.maxOpen = Math.max(this.maxOpen, ++this.open);
    res.on('close', () => this.open--);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const received: ReceivedRequest = { n: ++this.count, at: Date.now(), headers, body: Buffer.concat(chunks).toString('utf8') };
    this.requests.push(received);
    const reply = this.reply(received.n, received);
    if (reply.hang) return;
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    received.status = reply.status;
    received.answeredAt = Date.now();
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
    res.end(reply.body ?? '');
    if (reply.status >= 200 && reply.status < 300) this.delivered.push(received);
  }

  /** Requests received and not answered (yet): what the dispatcher has in flight here. */
  get unanswered(): number {
    return this.requests.items.filter((r) => r.status === undefined).length;
  }

  /** Distinct `webhook-id`s answered with 2xx: the events this endpoint has, however often each came. */
  get distinctDelivered(): number {
    return new Set(this.delivered.items.map((r) => r.headers['webhook-id'])).size;
  }

  /** Parsed envelopes of the requests answered with 2xx. */
  get deliveredEvents(): { id: string; type: string; data: unknown }[] {
    return this.delivered.items.map((r) => JSON.parse(r.body));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** What a receiver using standardwebhooks does: throws unless the request is signed with `secret`. */
export const verify = (secret: string, req: ReceivedRequest): unknown => new Webhook(secret).verify(req.body, req.headers);
