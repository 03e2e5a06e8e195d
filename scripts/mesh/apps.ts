import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eachLine, LineLog } from './output.js';
import { httpGet, Interrupted, LOCALHOST, MeshError, sleep } from './net.js';
import { describeExit, exitOf, type ExitInfo, terminate } from './process.js';

/** Default ports (DESIGN.md "Running the apps"); with MESH_PORT_BASE=b an app listens on b + (default - 3000). */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'vendor-service': 3000,
  'event-store': 3001,
  'search-sync': 3002,
  'webhook-dispatcher': 3003,
  'sms-notifier': 3004,
  console: 3005,
};
export const DEFAULT_PORT_BASE = 3000;

/** Built apps the launcher never starts: the `mesh` CLI, and the MCP server (an assistant starts it over stdio). */
const NOT_SERVICES = new Set(['cli', 'mcp']);

export interface AppSpec {
  name: string;
  main: string;
  port: number;
}

/**
 * Every app built in `appsDir` (`<name>/main.js`) with its port. Apps without a default port get
 * the ports after the known ones, in name order, so a port never depends on MESH_APPS.
 */
export function discoverApps(appsDir: string, portBase: number): AppSpec[] {
  const names = existsSync(appsDir)
    ? readdirSync(appsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !NOT_SERVICES.has(d.name) && existsSync(join(appsDir, d.name, 'main.js')))
        .map((d) => d.name)
    : [];
  const firstFree = Math.max(...Object.values(DEFAULT_PORTS)) + 1;
  const unknown = names.filter((n) => DEFAULT_PORTS[n] === undefined).sort();
  const offset = (n: string) => (DEFAULT_PORTS[n] ?? firstFree + unknown.indexOf(n)) - DEFAULT_PORT_BASE;
  return names
    .map((name) => ({ name, main: join(appsDir, name, 'main.js'), port: portBase + offset(name) }))
    .sort((a, b) => a.port - b.port);
}

/** The apps named in MESH_APPS (all when unset); an unknown name stops the launcher with the list. */
export function selectApps(all: AppSpec[], only: string[] | undefined): AppSpec[] {
  if (!only) return all;
  const unknown = only.filter((n) => !all.some((a) => a.name === n));
  if (unknown.length > 0) {
    throw new MeshError(`MESH_APPS names ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are' : 'is'} not built.`, [
      `Built apps: ${all.map((a) => a.name).join(', ') || '(none)'}`,
    ]);
  }
  return all.filter((a) => only.includes(a.name));
}

/**
 * Where an app's output goes: all of it to `logFile`; on the terminal only its stderr (Nest writes
 * errors there) unless `verbose`, each line with the app's name in front.
 */
export interface AppOutput {
  logFile: string;
  verbose: boolean;
}

/** One app as a child process: output to its log file (and errors to the terminal), last lines kept. */
export class AppProcess {
  readonly log = new LineLog(40);
  exit?: ExitInfo;
  /** Set once the launcher asked it to stop, so its exit is not reported as a crash. */
  stopping = false;
  pid?: number;
  exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });

  constructor(
    readonly spec: AppSpec,
    private readonly label: string,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get healthUrl(): string {
    return `http://${LOCALHOST}:${this.spec.port}/health/events`;
  }

  get running(): boolean {
    return this.pid !== undefined && this.exit === undefined;
  }

  start(env: NodeJS.ProcessEnv, cwd: string, output: AppOutput): void {
    mkdirSync(join(output.logFile, '..'), { recursive: true });
    const file = createWriteStream(output.logFile, { flags: 'a' });
    // A log file that cannot be written must not take the app down with it: the terminal still has its errors.
    file.on('error', () => undefined);
    const child = spawn(process.execPath, [this.spec.main], {
      cwd,
      env: { ...env, PORT: String(this.spec.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal's Ctrl-C reaches the launcher only, which stops the apps
      // first; and a signal to the group also reaches anything the app itself started.
      detached: true,
    });
    this.pid = child.pid;
    eachLine(child.stdout, (line) => {
      this.log.push(line);
      file.write(`${line}\n`);
      if (output.verbose) process.stdout.write(`${this.label} ${line}\n`);
    });
    eachLine(child.stderr, (line) => {
      this.log.push(line);
      file.write(`${line}\n`);
      process.stderr.write(`${this.label} ${line}\n`);
    });
    this.exited = exitOf(child).then((exit) => {
      this.exit = exit;
      file.end();
      return exit;
    });
  }

  /** Polls /health/events until it answers 200; a MeshError with the last answer and output after `deadline`. */
  async waitHealthy(deadline: number, abort: AbortSignal): Promise<void> {
    let last = '';
    for (;;) {
      if (this.exit) throw this.exitedDuringStartup();
      if (abort.aborted) throw new Interrupted();
      const res = await httpGet(this.healthUrl, 2_000);
      if (res.status === 200) return;
      last = res.status ? `HTTP ${res.status} ${res.body.replace(/\s+/g, ' ').slice(0, 400)}` : res.body;
      if (Date.now() > deadline) {
        throw new MeshError(`${this.name} did not become healthy: ${this.healthUrl} never answered 200.`, [
          `last answer: ${last}`,
          `last output of ${this.name}:`,
          ...this.log.tail(20).map((l) => `  ${l}`),
        ]);
      }
      await sleep(250);
    }
  }

  exitedDuringStartup(): MeshError {
    const how = this.exit ? describeExit(this.exit) : 'unknown status';
    return new MeshError(`${this.name} exited during start-up (${how}). Its last output:`, this.log.tail(20));
  }

  /** SIGTERM to its process group, then SIGKILL after `graceMs`; 'exited' when it was already gone. */
  async stop(graceMs: number): Promise<'stopped' | 'killed' | 'exited'> {
    this.stopping = true;
    if (!this.running) return 'exited';
    return terminate(this.pid, this.exited, graceMs, { group: true });
  }
}
