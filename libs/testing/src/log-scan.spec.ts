import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskSecret, scanLogDir, scanText } from './log-scan.js';
import { PHONES, SIGNING_SECRETS, TWILIO, phoneSpellings, testSecretNeedles } from './test-secrets.js';

describe(scanLogDir.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'log-scan-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a planted secret and a planted number by file and line, and reports them masked', () => {
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'a.log'), `ok line\n[Nest] ERROR token=${TWILIO.badInputToken}\n`);
    writeFileSync(join(dir, 'nested', 'b.log'), `one\ntwo\nsending to ${PHONES.badInput}\n`);
    const leaks = scanLogDir(dir, testSecretNeedles());
    expect(leaks).toEqual([
      { file: join(dir, 'a.log'), line: 2, what: `TWILIO.badInputToken: ${maskSecret(TWILIO.badInputToken)}` },
      { file: join(dir, 'nested', 'b.log'), line: 3, what: `PHONES.badInput (E.164): ${maskSecret(PHONES.badInput)}` },
      { file: join(dir, 'nested', 'b.log'), line: 3, what: `PHONES.badInput (national digits): ${maskSecret('4155550123')}` },
    ]);
    expect(JSON.stringify(leaks)).not.toContain(TWILIO.badInputToken);
    expect(JSON.stringify(leaks)).not.toContain(PHONES.badInput);
  });

  it('passes clean logs and a missing directory, and does not take a masked number for a leak', () => {
    writeFileSync(join(dir, 'clean.log'), 'sent to +98912*****67\nAuthorization: <redacted>\n');
    expect(scanLogDir(dir, testSecretNeedles())).toEqual([]);
    expect(scanLogDir(join(dir, 'absent'), testSecretNeedles())).toEqual([]);
  });
});

describe(scanText.name, () => {
  it('finds a number in its national spellings and a signing secret the run made up, by its shape', () => {
    const needles = testSecretNeedles();
    const found = (text: string) => scanText(text, needles).map((l) => l.what.split(':')[0]);
    expect(found('to 0912 123 4567')).toEqual(['PHONES.iran (national)']);
    expect(found('call (415) 555-0123')).toEqual(['PHONES.badInput (national)']);
    expect(found('secret whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=')).toEqual(['signing secret (whsec_ shape)']);
    expect(found(`key ${SIGNING_SECRETS.filterSpec}`)).toEqual(['SIGNING_SECRETS.filterSpec', 'signing secret (whsec_ shape)']);
  });

  it('spells an Iranian number as E.164, national digits, national and international', () => {
    expect(phoneSpellings(PHONES.iran).map((s) => s.text)).toEqual(['+989121234567', '9121234567', '0912 123 4567', '+98 912 123 4567']);
  });
});
