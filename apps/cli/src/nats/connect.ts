import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { CliError, EXIT } from '../cli-error.js';
import { type NatsSettings, shownServers } from './nats-settings.js';

const CONNECT_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 5_000;

export interface Session {
  nc: NatsConnection;
  jsm: JetStreamManager;
}

export interface ConnectOptions {
  /** Keep reconnecting after a lost connection (tail); one-shot commands fail instead. */
  reconnect?: boolean;
}

function authenticator(creds: string | undefined) {
  if (!creds) return undefined;
  try {
    return credsAuthenticator(readFileSync(creds));
  } catch (err) {
    throw new CliError(`Cannot read the NATS credentials file ${creds}: ${(err as Error).message}`, EXIT.usage);
  }
}

/** Connects once, with a short deadline, and says which server could not be reached and why. */
export async function openSession(settings: NatsSettings, options: ConnectOptions = {}): Promise<Session> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: settings.servers,
      name: 'mesh-cli',
      user: settings.user,
      pass: settings.password,
      authenticator: authenticator(settings.creds),
      timeout: CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: options.reconnect ? -1 : 0,
      reconnectTimeWait: 500,
      noAsyncTraces: true,
    });
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(
      `Cannot reach NATS at ${shownServers(settings)}: ${(err as Error).message}. Set NATS_URL (or --server) and NATS_CREDS/NATS_USER/NATS_PASSWORD`,
      EXIT.unreachable,
    );
  }
  try {
    return { nc, jsm: await jetstreamManager(nc, { timeout: REQUEST_TIMEOUT_MS }) };
  } catch (err) {
    await nc.close();
    throw new CliError(`NATS at ${nc.getServer()} has no JetStream: ${(err as Error).message}. Start nats-server with -js`, EXIT.unreachable);
  }
}

/** Runs `work` on a fresh session and closes it afterwards, also when `work` throws. */
export async function withSession<T>(settings: NatsSettings, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(settings);
  try {
    return await work(session);
  } finally {
    await session.nc.close();
  }
}
