import { IsOptional, IsString, registerDecorator, ValidationOptions } from 'class-validator';
import { validateEnv } from '@app/events';

/** One app of the mesh as the console reaches it. */
export interface MeshApp {
  name: string;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:3001 */
  url: string;
}

export interface ConsoleConfig {
  /** The apps the console proxies to and shows on the Health page, in this order. */
  apps: MeshApp[];
  /** Folder of the built single-page app (index.html and assets/). */
  webDir: string;
}

export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');

/** The apps' default ports (DESIGN.md "Running the apps"); the console itself is 3005. */
export const DEFAULT_APP_PORTS: Readonly<Record<string, number>> = {
  'vendor-service': 3000,
  'event-store': 3001,
  'search-sync': 3002,
  'webhook-dispatcher': 3003,
  'sms-notifier': 3004,
  console: 3005,
};

const APP_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Parses `MESH_APP_URLS` (`event-store=http://127.0.0.1:3001,webhook-dispatcher=http://…`).
 * Throws naming the bad entry.
 */
export function parseAppUrls(raw: string): MeshApp[] {
  const apps: MeshApp[] = [];
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, eq).trim();
    const url = entry.slice(eq + 1).trim();
    if (eq < 1 || !APP_NAME.test(name)) throw new Error(`"${entry}" must be <app name>=<http url>, e.g. event-store=http://127.0.0.1:3001`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`"${entry}": ${JSON.stringify(url)} is not a URL; write e.g. http://127.0.0.1:3001`);
    }
    if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error(`"${entry}": the URL must be http:// or https://`);
    if (apps.some((a) => a.name === name)) throw new Error(`"${name}" is listed twice`);
    apps.push({ name, url: url.replace(/\/+$/, '') });
  }
  return apps;
}

function IsAppUrlList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAppUrlList',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (v: unknown) => {
          try {
            return typeof v === 'string' && parseAppUrls(v).length > 0;
          } catch {
            return false;
          }
        },
        defaultMessage: (args) => {
          try {
            parseAppUrls(String(args?.value));
            return 'must list at least one app as name=url';
          } catch (err) {
            return `must be a comma-separated list of name=url: ${(err as Error).message}`;
          }
        },
      },
    });
}

/** The console's own variables (the shared ones are `EventsEnv`, validated by EventsModule). */
export class ConsoleEnv {
  /** The mesh's apps; `npm start` sets it to the apps it started. Default: every app on its DESIGN.md port on this machine. */
  @IsOptional() @IsAppUrlList() MESH_APP_URLS?: string;
  @IsOptional() @IsString() CONSOLE_WEB_DIR = 'dist/apps/console/web';
}

/** Every app on its default port, the console on its own PORT. */
const defaultApps = (ownPort: number): MeshApp[] =>
  Object.entries({ ...DEFAULT_APP_PORTS, console: ownPort }).map(([name, port]) => ({ name, url: `http://127.0.0.1:${port}` }));

/** Reads and validates the console's variables; throws listing every bad one. */
export function consoleConfigFromEnv(raw: Record<string, unknown> = process.env): ConsoleConfig {
  const env = validateEnv(ConsoleEnv)({ ...raw });
  const ownPort = Number(raw.PORT) || DEFAULT_APP_PORTS.console;
  return { apps: env.MESH_APP_URLS ? parseAppUrls(env.MESH_APP_URLS) : defaultApps(ownPort), webDir: env.CONSOLE_WEB_DIR };
}
