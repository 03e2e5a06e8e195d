import { existsSync, readFileSync } from 'node:fs';
import type { TestDatabase } from '@app/testing';

/** Linux clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat's CPU times. */
const TICKS_PER_S = 100;

/**
 * CPU time, in ms, of the PostgreSQL backends connected to one database, read from /proc: only
 * for a server on this machine (undefined otherwise). A load-independent measure of the database
 * work a run caused, where wall-clock rates swing with the machine's load. Backends that ended
 * between two readings are not counted (the pools here keep theirs for the run).
 */
export async function pgBackendCpu(db: TestDatabase): Promise<Map<number, number> | undefined> {
  const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const file = `/proc/${pid}/stat`;
    if (!existsSync(file)) return undefined;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S);
  }
  return out;
}

/** CPU ms the backends used between two readings (new backends count whole). */
export const pgCpuBetween = (before: Map<number, number> | undefined, after: Map<number, number> | undefined): number =>
  before && after ? [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0) : Number.NaN;
