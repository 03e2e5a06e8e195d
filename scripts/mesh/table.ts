import { relative } from 'node:path';
import type { AppProcess } from './apps.js';
import { bold, table } from './output.js';

export interface InfraRow {
  service: string;
  url: string;
  pid?: number;
  note: string;
}

export interface Summary {
  seconds: number;
  apps: AppProcess[];
  appsDir: string;
  infra: InfraRow[];
  natsUrl: string;
}

/** A path as short as possible for the table: relative to the working directory when inside it. */
export function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** The URL with its password masked, for printing. */
export function maskPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

const SAMPLE_VENDOR = `'{"name":"Taco Stand","lat":52.52,"long":13.40}'`;

/** The "mesh is up" block: apps with ports and health URLs, the servers, and commands to try. */
export function renderSummary(s: Summary): string {
  const out: string[] = ['', bold(`mesh ready in ${s.seconds.toFixed(1)} s`), ''];
  if (s.apps.length > 0) {
    out.push(...table(['app', 'port', 'pid', 'health'], s.apps.map((a) => [a.name, String(a.spec.port), String(a.pid ?? '-'), a.healthUrl])));
  } else {
    out.push(`  no apps are built in ${shortPath(s.appsDir)} yet: NATS and PostgreSQL only`);
  }
  out.push('', ...table(['service', 'url', 'pid', 'notes'], s.infra.map((r) => [r.service, r.url, String(r.pid ?? '-'), r.note])), '');

  const vendor = s.apps.find((a) => a.name === 'vendor-service');
  if (vendor) {
    out.push(
      'Create a vendor:',
      `  curl -X POST http://127.0.0.1:${vendor.spec.port}/vendors -H 'content-type: application/json' -d ${SAMPLE_VENDOR}`,
    );
  } else if (s.apps[0]) {
    out.push('Check an app (vendor-service, which takes the sample POST /vendors, is not running):', `  curl ${s.apps[0].healthUrl}`);
  }
  const consoleApp = s.apps.find((a) => a.name === 'console');
  if (consoleApp) out.push('Open the operations console:', `  http://127.0.0.1:${consoleApp.spec.port}/`);
  out.push('Watch the events:', `  nats sub 'events.>' --server ${s.natsUrl}`, '', bold('Ctrl-C stops the mesh.'), '');
  return out.join('\n');
}
