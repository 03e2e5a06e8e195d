/** The page's one way to the backend: same origin, JSON, the admin key from the session. */

const KEY_STORAGE = 'mesh-console.apiKey';

export const session = {
  get key(): string | null {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  set key(value: string | null) {
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    else sessionStorage.removeItem(KEY_STORAGE);
  },
};

/** A non-2xx answer, with the message the app gave (Nest's `message`, joined when it is a list). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** 401/403: no key, or a wrong one. */
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export function errorMessage(status: number, body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && 'message' in body) {
    const m = (body as { message: unknown }).message;
    if (Array.isArray(m)) return m.join('; ');
    if (typeof m === 'string') return m;
  }
  return fallback || `HTTP ${status}`;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers, e.g. `Prefer: respond-async` for a replay job. */
  headers?: Record<string, string>;
}

export function authHeaders(): Record<string, string> {
  const key = session.key;
  return key ? { 'X-Api-Key': key } : {};
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...authHeaders() };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, `The console does not answer (${(err as Error).message}); is it running?`);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) throw new ApiError(res.status, errorMessage(res.status, body, typeof body === 'string' ? body.slice(0, 300) : ''));
  return body as T;
}

/** A call to one of the mesh's apps through the console's proxy. */
export const appRequest = <T>(app: string, path: string, options?: RequestOptions) => request<T>(`/api/apps/${app}${path}`, options);
