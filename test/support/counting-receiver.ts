import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local webhook endpoint that answers 200 to everything and counts, per path (one path per
 * subscription), when each `webhook-id` was delivered: what a Standard Webhooks receiver
 * dedupes on.
 */
export class CountingReceiver {
  /** path → webhook-id → when each 200 was sent (ms). */
  private readonly counts = new Map<string, Map<string, number[]>>();
  requests = 0;

  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.record(req.url ?? '/', String(req.headers['webhook-id'] ?? ''));
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  static async start(): Promise<CountingReceiver> {
    const receiver = new CountingReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** webhook-id → the times (ms) a delivery of it was answered 200, for one path. */
  deliveries(path: string): ReadonlyMap<string, readonly number[]> {
    return this.counts.get(path) ?? new Map();
  }

  private record(path: string, webhookId: string): void {
    this.requests++;
    let byId = this.counts.get(path);
    if (!byId) this.counts.set(path, (byId = new Map()));
    const times = byId.get(webhookId);
    if (times) times.push(Date.now());
    else byId.set(webhookId, [Date.now()]);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
