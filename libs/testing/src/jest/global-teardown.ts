import { relative } from 'node:path';
import { scanLogDir } from '../log-scan.js';
import { RUN_LOG_DIR } from '../run-log.js';
import { testSecretNeedles } from '../test-secrets.js';

const SHOWN = 50;

/** Throws, naming file:line and which secret (masked), when any log under `dir` holds a secret or number of the registry. */
export function assertNoLeaks(dir: string): void {
  const leaks = scanLogDir(dir, testSecretNeedles());
  if (leaks.length === 0) return;
  const lines = leaks.slice(0, SHOWN).map((l) => `  ${relative(process.cwd(), l.file)}:${l.line}  ${l.what}`);
  if (leaks.length > SHOWN) lines.push(`  … and ${leaks.length - SHOWN} more`);
  throw new Error(`${leaks.length} secret(s) or phone number(s) in the test run's logs (${relative(process.cwd(), dir)}):\n${lines.join('\n')}`);
}

/** After the whole run: a leak in any log of the run fails it (Jest exits non-zero). */
export default function scanRunLogs(): void {
  assertNoLeaks(RUN_LOG_DIR);
}
