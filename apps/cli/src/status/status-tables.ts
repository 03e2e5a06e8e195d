import type { MeshStatus } from '../mesh-events.js';
import { ago, bytes, table } from '../output/format.js';
import type { AppHealth } from './app-health.js';

const seqAt = (seq: number, time: string | undefined) => (time ? `#${seq} ${time}` : '-');

/** The STREAMS and CONSUMERS tables of `mesh status`. */
export function renderMesh(mesh: MeshStatus, lagThreshold: number): string[] {
  const out: string[] = ['', 'STREAMS'];
  out.push(...table(['NAME', 'MESSAGES', 'BYTES', 'FIRST', 'LAST', 'CONSUMERS'],
    mesh.streams.map((s) => [s.name, String(s.messages), bytes(s.bytes), seqAt(s.firstSeq, s.firstTime), seqAt(s.lastSeq, s.lastTime), String(s.consumers)])));
  for (const name of mesh.missingStreams) out.push(`  ${name} is missing: start any mesh app once, it creates the streams`);

  out.push('', 'CONSUMERS');
  const apps = new Set(mesh.durables.filter((d) => !d.name.endsWith('-replay')).map((d) => d.name));
  const rows = mesh.durables.map((d) => {
    const app = d.name.endsWith('-replay') ? undefined : d.name;
    const state = d.pending >= lagThreshold ? `lagging (${d.pending} behind)` : 'ok';
    return [d.stream, d.name, String(d.pending), String(d.ackPending), String(d.redelivered), ago(d.lastActive), app ? String(mesh.deadLetters[app] ?? 0) : '-', state];
  });
  // Letters of a consumer app that has no durable (any more) still count.
  for (const [consumer, depth] of Object.entries(mesh.deadLetters)) {
    if (!apps.has(consumer)) rows.push(['-', consumer, '-', '-', '-', '-', String(depth), 'no durable']);
  }
  if (rows.length === 0) out.push('  (no durable consumers)');
  else out.push(...table(['STREAM', 'CONSUMER', 'PENDING', 'ACK PENDING', 'REDELIVERED', 'LAST ACTIVE', 'DLQ', 'STATE'], rows));
  return out;
}

/** The APPS table. */
export function renderApps(apps: AppHealth[]): string[] {
  if (apps.length === 0) return [];
  return ['', 'APPS', ...table(['APP', 'URL', 'OUTBOX', 'HEALTH'], apps.map((a) => [a.name, a.url, a.outbox === undefined ? '-' : String(a.outbox), a.summary]))];
}
