import { relative } from 'node:path';
import { scanLogDir } from '../log-scan.js';
import { RUN_LOG_DIR } from '../run-log.js';
import { testSecretNeedles } from '../test-secrets.js';

const SHOWN = 50;

/**
 * After the whole run: any secret or phone number of the registry in any log of the run fails it
 * (a non-zero exit), naming file:line and which secret, masked.
 */
export default function scanRunLogs(): void {
  const leaks = scanLogDir(RUN_LOG_DIR, testSecretNeedles());
  if (leaks.length === 0) return;
  const lines = leaks.slice(0, SHOWN).map((l) => `  ${relative(process.cwd(), l.file)}:${l.line}  ${l.what}`);
  if (leaks.length > SHOWN) lines.push(`  … and ${leaks.length - SHOWN} more`);
  throw new Error(`${leaks.length} secret(s) or phone number(s) in the test run's logs (test-output/logs):\n${lines.join('\n')}`);
}
