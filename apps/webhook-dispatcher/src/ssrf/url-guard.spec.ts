import type { LookupAddress } from 'node:dns';
import { webhookConfigFromEnv } from '../config/webhook-env.js';
import { RefusedTargetError, UrlGuard } from './url-guard.js';

const guard = (allowPrivate: boolean, allowHttp = true) => new UrlGuard({ ...webhookConfigFromEnv({}), allowPrivate, allowHttp });
const lookup = (g: UrlGuard, host: string, all = false) =>
  new Promise<{ err: Error | null; address: string | LookupAddress[] }>((resolve) => g.lookup(host, { all }, (err, address) => resolve({ err, address })));

describe(UrlGuard.name, () => {
  it('refuses a name resolving to loopback at connect time, and says how to allow it', async () => {
    const { err } = await lookup(guard(false), 'localhost');
    expect(err).toBeInstanceOf(RefusedTargetError);
    expect(err!.message).toMatch(/refused to connect to localhost: .* is a loopback address; .*WEBHOOK_ALLOW_PRIVATE=true/);
  });

  it('hands the socket the address it resolved when private targets are allowed', async () => {
    const one = await lookup(guard(true), 'localhost');
    expect(one.err).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(one.address);
    const all = await lookup(guard(true), 'localhost', true);
    expect(Array.isArray(all.address) && all.address.length).toBeGreaterThan(0);
  });

  it('refuses literal private addresses before connecting', () => {
    expect(() => guard(false).assertLiteralAllowed(new URL('http://[::1]:8080/x'))).toThrow('::1 is a loopback address');
    expect(() => guard(false).assertLiteralAllowed(new URL('http://10.0.0.1/x'))).toThrow('10.0.0.1 is a private address');
    expect(() => guard(true).assertLiteralAllowed(new URL('http://10.0.0.1/x'))).not.toThrow();
  });

  it('requires https unless plain http is allowed', () => {
    expect(guard(false, false).schemeProblem('http://example.com/x')).toBe('url must use https in production (set WEBHOOK_ALLOW_HTTP=true to allow plain http)');
    expect(guard(false, false).schemeProblem('https://example.com/x')).toBeUndefined();
    expect(guard(false, true).schemeProblem('http://example.com/x')).toBeUndefined();
  });

  it('reports a host that does not resolve', async () => {
    expect(await guard(false).problemWith('https://does-not-exist.invalid/hook')).toMatch(/^url host does-not-exist.invalid does not resolve/);
  });
});
