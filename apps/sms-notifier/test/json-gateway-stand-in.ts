import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonGatewayRequest {
  idempotencyKey?: string;
  body: { to?: string; text?: string; reference?: string };
}

/** An HTTP SMS gateway taking the notifier's default JSON body (`to`, `text`, `reference`) and answering `{ "id": … }`. */
export class JsonGatewayStandIn {
  readonly requests: JsonGatewayRequest[] = [];
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      this.requests.push({ idempotencyKey: typeof key === 'string' ? key : undefined, body: JSON.parse(body || '{}') as JsonGatewayRequest['body'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `gw-${this.requests.length}` }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
  }

  to(phone: string): JsonGatewayRequest[] {
    return this.requests.filter((r) => r.body.to === phone);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
