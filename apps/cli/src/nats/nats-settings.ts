import { CliError, EXIT } from '../cli-error.js';

/** The connection options every command shares (flags win over the environment). */
export interface ConnectionFlags {
  server?: string;
  creds?: string;
  user?: string;
  password?: string;
}

export interface NatsSettings {
  servers: string[];
  creds?: string;
  user?: string;
  password?: string;
}

const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

const isNatsUrl = (url: string) => {
  try {
    const u = new URL(url.includes('://') ? url : `nats://${url}`);
    return ['nats:', 'tls:', 'ws:', 'wss:'].includes(u.protocol) && u.hostname.length > 0;
  } catch {
    return false;
  }
};

/** A URL with its password (if any) replaced by `***`; anything else unchanged. */
function maskPassword(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** An empty variable counts as unset, as in the apps (libs/events `validateEnv`). */
const fromEnv = (env: NodeJS.ProcessEnv, name: string) => (env[name] === '' ? undefined : env[name]);

/**
 * NATS_URL (a comma-separated list), NATS_CREDS, NATS_USER, NATS_PASSWORD, as the apps read them;
 * `--server`, `--creds`, `--user`, `--password` override.
 */
export function natsSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): NatsSettings {
  const url = flags.server ?? fromEnv(env, 'NATS_URL') ?? DEFAULT_NATS_URL;
  const servers = url.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = servers.filter((s) => !isNatsUrl(s));
  if (servers.length === 0 || bad.length > 0) {
    throw new CliError(`Invalid NATS server ${JSON.stringify(maskPassword(bad[0] ?? url))}: use a URL or a comma-separated list, e.g. nats://127.0.0.1:4222`, EXIT.usage);
  }
  return {
    servers,
    creds: flags.creds ?? fromEnv(env, 'NATS_CREDS'),
    user: flags.user ?? fromEnv(env, 'NATS_USER'),
    password: flags.password ?? fromEnv(env, 'NATS_PASSWORD'),
  };
}

/** The servers as they may be printed: a password inside a URL is masked. */
export const shownServers = (settings: NatsSettings): string => settings.servers.map(maskPassword).join(', ');
