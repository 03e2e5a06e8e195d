import { createConnection, createServer } from 'node:net';

export const LOCALHOST = '127.0.0.1';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A problem the user can fix: reported as its message alone, without a stack trace. */
export class MeshError extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'MeshError';
  }
}

/** True when the host names this machine (only then may the launcher start a server in its place). */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** True when nothing listens on 127.0.0.1:`port`, so a server of ours could bind it. */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: LOCALHOST, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, LOCALHOST, () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** `preferred` when it can be bound, else any free port. */
export async function portOr(preferred: number): Promise<number> {
  return (await canBind(preferred)) ? preferred : freePort();
}

/**
 * True when a NATS server answers at host:port: it greets every new connection with an
 * `INFO {...}` line before the client says anything, so a TCP connect plus that line proves it.
 */
export function natsAnswers(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: host.replace(/^\[|\]$/g, ''), port });
    let greeting = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      greeting += chunk;
      if (greeting.length >= 5) done(greeting.startsWith('INFO '));
    });
    sock.once('error', () => done(false));
    sock.once('close', () => done(false));
  });
}

/** Status and body of a GET, or the connection error's text. */
export async function httpGet(url: string, timeoutMs = 2_000): Promise<{ status?: number; body: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { body: cause?.code ?? (err as Error).message };
  }
}

/** Start-up was interrupted by Ctrl-C / SIGTERM: not a failure. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}
