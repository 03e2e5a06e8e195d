import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { basicAuth, Collector, OAUTH2 } from '@app/testing';

export interface TokenRequest {
  authorization: string;
  form: Record<string, string>;
  status: number;
}

interface Issued {
  expiresAt: number;
  revoked: boolean;
}

/**
 * A local OAuth2 authorization server for the client-credentials grant (RFC 6749 §4.4): client
 * authentication by HTTP Basic, `application/x-www-form-urlencoded` in, JSON out. Tokens carry
 * OAUTH2.accessTokenPrefix and a serial number; `accepts` is what a resource server checks.
 */
export class TokenServer {
  readonly requests = new Collector<TokenRequest>();
  /** Lifetime of the tokens issued, in seconds (`expires_in`). */
  expiresIn = 3600;
  /** The next this many token requests are answered 500 `server_error`. */
  failNext = 0;
  private readonly issued = new Map<string, Issued>();
  private readonly server: Server;

  private constructor(private readonly clients: Record<string, string>) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const authorization = req.headers.authorization ?? '';
        const answer = (status: number, body: object) => {
          this.requests.push({ authorization, form, status });
          res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify(body));
        };
        if (this.failNext > 0) {
          this.failNext--;
          return answer(500, { error: 'server_error' });
        }
        const client = Object.entries(this.clients).find(([id, secret]) => authorization === basicAuth(id, secret));
        if (!client) return answer(401, { error: 'invalid_client', error_description: 'client authentication failed' });
        if (req.method !== 'POST' || form.grant_type !== 'client_credentials') return answer(400, { error: 'unsupported_grant_type' });
        const token = `${OAUTH2.accessTokenPrefix}${this.issued.size + 1}`;
        this.issued.set(token, { expiresAt: Date.now() + this.expiresIn * 1000, revoked: false });
        answer(200, { access_token: token, token_type: 'Bearer', expires_in: this.expiresIn, ...(form.scope ? { scope: form.scope } : {}) });
      });
    });
  }

  /** `clients`: client id → client secret. */
  static async start(clients: Record<string, string>): Promise<TokenServer> {
    const s = new TokenServer(clients);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oauth/token`;
  }

  /**
   * Whether a resource server takes this `Authorization` value: a token issued here, not revoked,
   * and not expired more than `graceMs` ago (slack for a loaded machine between check and use).
   */
  accepts(authorization: string | undefined, graceMs = 0): boolean {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const t = token ? this.issued.get(token) : undefined;
    return t !== undefined && !t.revoked && Date.now() < t.expiresAt + graceMs;
  }

  /** Revokes every token issued so far: resource servers answer 401 to them. */
  revokeAll(): void {
    for (const t of this.issued.values()) t.revoked = true;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
