import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORT_BASE, DEFAULT_PORTS, discoverApps } from '../../../../scripts/mesh/apps.js';
import { readState } from '../../../../scripts/mesh/state.js';
import { usageError } from '../cli-error.js';

export interface AppTarget {
  name: string;
  url: string;
}

export interface AppHealth extends AppTarget {
  up: boolean;
  /** `up`, or what is down: unreachable, HTTP status, failing indicators. */
  summary: string;
  /** Dead letters waiting in the app's outbox (`failedEventsCount`). */
  outbox?: number;
}

interface HealthBody {
  status?: string;
  error?: Record<string, { status?: string; message?: string }>;
  failedEventsCount?: number | null;
}

const TIMEOUT_MS = 3_000;
/** dist/apps, next to this build of the CLI (dist/apps/cli/src/status/). */
const BUILT_APPS = fileURLToPath(new URL('../../../', import.meta.url));

/** Where `npm start` keeps its data (and state.json) for this build: MESH_DATA_DIR, else .mesh in the checkout. */
const meshDataDir = (env: NodeJS.ProcessEnv, appsDir: string) => (env.MESH_DATA_DIR ? resolve(env.MESH_DATA_DIR) : join(appsDir, '..', '..', '.mesh'));

/** The `npm start` running from this checkout (its state.json), unless MESH_PORT_BASE points elsewhere. */
export const runningMesh = (env: NodeJS.ProcessEnv = process.env, appsDir = BUILT_APPS) => (env.MESH_PORT_BASE ? undefined : readState(meshDataDir(env, appsDir)));

/**
 * The apps of the running `npm start` (its state.json) unless MESH_PORT_BASE is given; else the
 * apps it would run, at the ports it gives them (the launcher's own table, MESH_APPS and
 * MESH_PORT_BASE), or every app of DESIGN.md's port table where none is built next to the CLI.
 */
export function defaultTargets(env: NodeJS.ProcessEnv = process.env, appsDir = BUILT_APPS): AppTarget[] {
  const running = runningMesh(env, appsDir);
  if (running) {
    const only = env.MESH_APPS?.split(',').map((s) => s.trim()).filter(Boolean);
    return running.apps.filter((a) => !only || only.includes(a.name)).map((a) => ({ name: a.name, url: a.url }));
  }
  const base = env.MESH_PORT_BASE ? Number(env.MESH_PORT_BASE) : DEFAULT_PORT_BASE;
  if (!Number.isInteger(base) || base < 1 || base > 65_000) throw usageError(`Invalid MESH_PORT_BASE ${JSON.stringify(env.MESH_PORT_BASE)}: use a port such as 4000`);
  const built = discoverApps(appsDir, base);
  const known = built.length > 0 ? built : Object.entries(DEFAULT_PORTS).map(([name, port]) => ({ name, port: base + port - DEFAULT_PORT_BASE }));
  const only = env.MESH_APPS?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = (only ?? []).filter((n) => !known.some((a) => a.name === n));
  if (unknown.length > 0) throw usageError(`MESH_APPS names ${unknown.join(', ')}, not a known app (${known.map((a) => a.name).join(', ')})`);
  const chosen = only ? known.filter((a) => only.includes(a.name)) : known;
  return chosen.map((a) => ({ name: a.name, url: `http://127.0.0.1:${a.port}` }));
}

/** `--app name=url` */
export function parseAppTarget(value: string): AppTarget {
  const eq = value.indexOf('=');
  const name = value.slice(0, eq);
  const url = value.slice(eq + 1);
  if (eq <= 0 || !/^https?:\/\/[^/]+/.test(url)) throw new Error('use name=url, e.g. event-store=http://127.0.0.1:3001');
  return { name, url: url.replace(/\/+$/, '') };
}

function failing(body: HealthBody): string {
  const down = Object.entries(body.error ?? {}).map(([key, v]) => `${key}: ${v.message ?? v.status ?? 'down'}`);
  return down.length > 0 ? down.join('; ') : `status ${body.status ?? 'unknown'}`;
}

/** GET `<url>/health/events`: up on 200, down (with the failing indicators) otherwise. */
export async function checkApp(target: AppTarget): Promise<AppHealth> {
  try {
    const res = await fetch(`${target.url}/health/events`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    let body: HealthBody = {};
    try {
      body = JSON.parse(text) as HealthBody;
    } catch {
      // Not the mesh's health answer: judged by the status code alone.
    }
    const outbox = typeof body.failedEventsCount === 'number' ? body.failedEventsCount : undefined;
    if (res.status === 200) return { ...target, up: true, summary: 'up', outbox };
    return { ...target, up: false, summary: `down (HTTP ${res.status}): ${failing(body)}`, outbox };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ...target, up: false, summary: `down: ${reason}` };
  }
}
