import { natsSettings, type NatsSettings } from '../../cli/src/nats/nats-settings.js';
import { parseDuration, toBool } from '../../cli/src/mesh-events.js';

/** The MCP server's settings, from the environment (apps/mcp/README.md, Configuration). */
export interface McpEnv {
  /** Where the event store answers (its HTTP API carries every read and write the tools make). */
  eventStoreUrl: string;
  /** Sent to the event store as `X-Api-Key`, and the bearer token HTTP clients of this server must present. */
  adminApiKey: string | undefined;
  /** Where the webhook-dispatcher answers (the webhook tools call its admin API). */
  webhookDispatcherUrl: string;
  port: number;
  /** NATS_URL, NATS_CREDS, NATS_USER/NATS_PASSWORD, as the apps read them: the dead-letter tools use NATS. */
  nats: NatsSettings;
  /**
   * Refused bearer tokens published as aggregated `http.auth_failed`, as the apps' refused keys are:
   * with ENABLE_SERVER_LOGGING on and ENABLE_EVENT_LOGGING (the master switch) not off, once per
   * SERVER_LOGGING_AUTH_WINDOW per source address.
   */
  authRefusals: { enabled: boolean; windowMs: number };
}

/** A switch as the apps read one (`true/false`, `1/0`, `yes/no`, `on/off`). */
function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = toBool({ value: raw });
  if (typeof value !== 'boolean') throw new Error(`${name} must be true or false, got ${raw}`);
  return value;
}

export function mcpEnv(env: NodeJS.ProcessEnv = process.env): McpEnv {
  const port = Number(env.PORT ?? env.MCP_PORT ?? 3006);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number (0-65535), got ${env.PORT ?? env.MCP_PORT}`);
  const eventStoreUrl = env.EVENT_STORE_URL ?? 'http://127.0.0.1:3001';
  if (!/^https?:\/\//.test(eventStoreUrl)) throw new Error(`EVENT_STORE_URL must be an http(s) URL, got ${eventStoreUrl}`);
  const webhookDispatcherUrl = env.WEBHOOK_DISPATCHER_URL ?? 'http://127.0.0.1:3003';
  if (!/^https?:\/\//.test(webhookDispatcherUrl)) throw new Error(`WEBHOOK_DISPATCHER_URL must be an http(s) URL, got ${webhookDispatcherUrl}`);
  const authWindow = env.SERVER_LOGGING_AUTH_WINDOW || '1m';
  const windowMs = parseDuration(authWindow);
  if (!windowMs) throw new Error(`SERVER_LOGGING_AUTH_WINDOW must be a duration such as 30s or 1m, got ${authWindow}`);
  return {
    eventStoreUrl: eventStoreUrl.replace(/\/$/, ''),
    webhookDispatcherUrl: webhookDispatcherUrl.replace(/\/$/, ''),
    adminApiKey: env.ADMIN_API_KEY || undefined,
    port,
    nats: natsSettings({}, env),
    authRefusals: { enabled: flag(env, 'ENABLE_SERVER_LOGGING', false) && flag(env, 'ENABLE_EVENT_LOGGING', true), windowMs },
  };
}
