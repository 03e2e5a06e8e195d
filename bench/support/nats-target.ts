import { NatsServerHarness } from '@app/testing';

/** The nats-server a bench runs against: the one at NATS_URL, or a private one it starts and stops. */
export interface NatsTarget {
  url: string;
  /** True when NATS_URL named a server the bench does not own: it must touch only what it created. */
  external: boolean;
  close(): Promise<void>;
  logTail(): string;
}

export async function natsTarget(): Promise<NatsTarget> {
  const url = process.env.NATS_URL?.trim();
  if (url) return { url, external: true, close: async () => undefined, logTail: () => '(external server: no log)' };
  const server = await NatsServerHarness.start();
  return { url: server.url, external: false, close: () => server.close(), logTail: () => server.logTail() };
}
