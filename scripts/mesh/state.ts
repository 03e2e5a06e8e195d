import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a running `npm start` tells other commands (`mesh status`) about itself, in
 * `<MESH_DATA_DIR>/state.json` while it runs: where each app and the nats-server listen, so that
 * they need not be told MESH_PORT_BASE again.
 */
export interface MeshState {
  /** The launcher's pid: a state whose launcher is gone is stale and ignored. */
  pid: number;
  startedAt: string;
  natsUrl: string;
  apps: Array<{ name: string; url: string }>;
}

export const stateFile = (dataDir: string): string => join(dataDir, 'state.json');

export function writeState(dataDir: string, state: MeshState): void {
  writeFileSync(stateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes the state, only when it is this launcher's (another mesh may have written it since). */
export function removeState(dataDir: string, pid: number): void {
  if (readState(dataDir, () => true)?.pid === pid) rmSync(stateFile(dataDir), { force: true });
}

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The state of the mesh running from `dataDir`, or undefined when none runs (no file, unreadable, or its launcher gone). */
export function readState(dataDir: string, alive: (pid: number) => boolean = running): MeshState | undefined {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as MeshState;
    return Number.isInteger(state.pid) && Array.isArray(state.apps) && alive(state.pid) ? state : undefined;
  } catch {
    return undefined;
  }
}
