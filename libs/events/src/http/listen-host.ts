/**
 * The address an app listens on: HOST when set (the launcher sets 127.0.0.1 while ADMIN_API_KEY is
 * unset), else every interface; and how to say it in the start-up line.
 * @example const { host, shown } = listenHost(); await app.listen(port, host);
 */
export function listenHost(env: NodeJS.ProcessEnv = process.env): { host: string; shown: string } {
  const host = env.HOST || '0.0.0.0';
  return { host, shown: host === '0.0.0.0' || host === '::' ? 'all interfaces' : `${host} only` };
}
