import { existsSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { resolve } from 'node:path';

const LIBS = resolve('libs');

type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;

/**
 * Jest loads globalSetup/globalTeardown with plain `require` (no moduleNameMapper), so the
 * teardown's `../log-scan.js` imports would miss their `.ts` sources: map them for files of libs/.
 */
function resolveLibsTsSources(): void {
  const mod = Module as unknown as { _resolveFilename: Resolve };
  const original = mod._resolveFilename;
  mod._resolveFilename = function (request, parent, ...rest) {
    if (request.startsWith('.') && request.endsWith('.js') && parent?.filename?.startsWith(LIBS)) {
      const ts = resolve(parent.filename, '..', request.replace(/\.js$/, '.ts'));
      if (existsSync(ts)) return ts;
    }
    return original.call(this, request, parent, ...rest);
  };
}

/** Each run starts with no logs, so the teardown's scan judges this run and no earlier one. */
export default function clearRunLogs(): void {
  resolveLibsTsSources();
  // RUN_LOG_DIR of run-log.ts, spelled out: this file's own imports load before the mapping above.
  rmSync(resolve(process.env.TEST_LOG_DIR ?? 'test-output/logs'), { recursive: true, force: true });
}
