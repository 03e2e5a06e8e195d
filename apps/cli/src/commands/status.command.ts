import { Command, Option } from 'commander';
import { argParser, CliError, EXIT } from '../cli-error.js';
import { meshStatus, type MeshStatus } from '../mesh-events.js';
import { renderApps, renderMesh } from '../status/status-tables.js';
import { openSession } from '../nats/connect.js';
import { shownServers } from '../nats/nats-settings.js';
import { print } from '../output/format.js';
import { parsePositiveInt } from '../parse-args.js';
import { type AppTarget, checkApp, defaultTargets, parseAppTarget, runningMesh } from '../status/app-health.js';
import { settingsOf } from './connection-options.js';

interface StatusOptions {
  app: AppTarget[];
  /** false with --no-apps */
  apps: boolean;
  lagThreshold: number;
  json?: boolean;
}

interface NatsState {
  servers: string;
  up: boolean;
  summary: string;
  mesh?: MeshStatus;
}

async function readNats(command: Command): Promise<NatsState> {
  let settings = settingsOf(command);
  // No server named: the running npm start's, which may have taken another port than 4222.
  const mesh = command.optsWithGlobals<{ server?: string }>().server || process.env.NATS_URL ? undefined : runningMesh();
  if (mesh) settings = { ...settings, servers: [mesh.natsUrl] };
  const servers = shownServers(settings);
  try {
    const session = await openSession(settings);
    try {
      return { servers, up: true, summary: `up (${session.nc.getServer()}, nats-server ${session.nc.info?.version ?? '?'})`, mesh: await meshStatus(session.jsm) };
    } finally {
      await session.nc.close();
    }
  } catch (err) {
    return { servers, up: false, summary: `down: ${(err as Error).message}` };
  }
}

async function status(options: StatusOptions, command: Command): Promise<void> {
  const targets = !options.apps ? [] : options.app.length > 0 ? options.app : defaultTargets();
  const [nats, apps] = await Promise.all([readNats(command), Promise.all(targets.map(checkApp))]);
  const down = [
    ...(nats.up ? [] : ['NATS']),
    ...(nats.mesh?.missingStreams ?? []).map((s) => `stream ${s}`),
    ...apps.filter((a) => !a.up).map((a) => a.name),
  ];
  if (options.json) {
    print(JSON.stringify({ ok: down.length === 0, down, nats: { servers: nats.servers, up: nats.up, summary: nats.summary }, ...nats.mesh, apps }));
  } else {
    print(`NATS  ${nats.servers}  ${nats.summary}`);
    if (nats.mesh) print(...renderMesh(nats.mesh, options.lagThreshold));
    print(...renderApps(apps), '', down.length === 0 ? 'All up.' : `Down: ${down.join(', ')}.`);
  }
  if (down.length > 0) throw new CliError('', EXIT.failed);
}

export const statusCommand = () =>
  new Command('status')
    .description("Streams, durable consumers (lag, DLQ depth) and every app's /health/events, as tables; exit 1 when something is down")
    .addOption(
      new Option('--app <name=url>', "check this app instead of the defaults (repeatable), e.g. event-store=http://10.0.0.5:3001")
        .argParser(argParser((v: string, all: AppTarget[] = []) => [...all, parseAppTarget(v)]))
        .default([], 'the apps npm start runs, at their ports (MESH_APPS, MESH_PORT_BASE)'),
    )
    .option('--no-apps', 'skip the apps, report NATS only')
    .addOption(new Option('--lag-threshold <n>', 'pending messages from which a consumer shows as lagging').argParser(argParser(parsePositiveInt)).default(1000))
    .option('--json', 'one JSON object instead of tables')
    .action(status);
