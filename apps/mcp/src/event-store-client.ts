/** An app's answer to a call that failed: its status and message, passed on to the model as the tool's error. */
export class EventStoreError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    app = 'the event store',
  ) {
    const message = typeof body === 'object' && body !== null && 'message' in body ? JSON.stringify((body as { message: unknown }).message) : JSON.stringify(body);
    super(`${app} answered ${status}: ${message}`);
    this.name = 'EventStoreError';
  }
}

type Query = Record<string, string | number | boolean | string[] | undefined>;

/**
 * An app's admin HTTP API as the MCP tools use it (admin key sent on every call): the event store's,
 * and the webhook-dispatcher's (`app` names it in errors).
 */
export class EventStoreClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly app = 'the event store',
  ) {}

  get(path: string, query: Query = {}): Promise<unknown> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(one));
    }
    return this.call('GET', url);
  }

  /** `actor`: whom the call is for, as the audit event's actor (`X-Audit-Actor`). */
  post(path: string, body: unknown, actor?: string, extra: Record<string, string> = {}): Promise<unknown> {
    return this.call('POST', new URL(`${this.baseUrl}${path}`), body, actor, extra);
  }

  patch(path: string, body: unknown, actor?: string): Promise<unknown> {
    return this.call('PATCH', new URL(`${this.baseUrl}${path}`), body, actor);
  }

  private async call(method: string, url: URL, body?: unknown, actor?: string, extra: Record<string, string> = {}): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (actor) headers['x-audit-actor'] = actor;
    if (this.apiKey) headers['x-api-key'] = this.apiKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).catch((err: Error) => {
      throw new Error(`${this.app} at ${this.baseUrl} is unreachable: ${(err.cause as Error | undefined)?.message ?? err.message}`);
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) throw new EventStoreError(res.status, parsed, this.app);
    return parsed;
  }
}
