import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEYS, WEBHOOK_HEADERS } from '../test-secrets.js';
import { assertNoLeaks } from './global-teardown.js';

describe(assertNoLeaks.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'teardown-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on a planted header secret, naming the file and line and showing the secret masked only', () => {
    writeFileSync(join(dir, 'suite.webhook-dispatcher-42.log'), `starting\nPOST /hook headers={"Authorization":"${WEBHOOK_HEADERS.subscriptions}"}\n`);
    let message = '';
    try {
      assertNoLeaks(dir);
    } catch (err) {
      message = (err as Error).message;
    }
    // Three: the header, its token, and the shorter registered 'secret-token' inside that token.
    expect(message).toMatch(/^3 secret\(s\) or phone number\(s\) in the test run's logs/);
    expect(message).toContain('suite.webhook-dispatcher-42.log:2  WEBHOOK_HEADERS.subscriptions: Be');
    expect(message).toContain('suite.webhook-dispatcher-42.log:2  WEBHOOK_HEADERS.token.subscriptions: to');
    expect(message).not.toContain('top-secret-token');
  });

  it('passes logs that hold only masked values', () => {
    writeFileSync(join(dir, 'suite.log'), `X-Api-Key: ${ADMIN_KEYS.badInput.slice(0, 2)}***\nto +1415*****23\n`);
    expect(() => assertNoLeaks(dir)).not.toThrow();
  });
});
