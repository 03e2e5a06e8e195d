import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as the stand-in received it. */
export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  appId?: string;
  apiKey?: string;
  body: unknown;
  /** The status answered; undefined for a hung request. */
  status?: number;
}

/** A scripted answer: `hang` keeps the connection open without answering (after applying the write, as a lost response would). */
export type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

type Rec = Record<string, unknown> & { objectID: string };

/** Algolia's own words for a record over the size limit. */
const tooBig = (position: number, objectID: string, size: number, limit: number) =>
  `Record at the position ${position} objectID=${objectID} is too big size=${size}/${limit} bytes. Please have a look at https://www.algolia.com/doc/guides/sending-and-managing-data/prepare-your-data/in-depth/index-and-records-size-and-usage-limitations/#record-size-limits`;

/**
 * A local HTTP server speaking the Algolia REST paths algoliasearch v5 uses here: multi-index
 * batch, multi-index get objects, task status, index operation (copy, move), delete index, list indexes and query. Indexes
 * live in memory. Tests script failures per path (429 with Retry-After, 500s for a while, hangs
 * past the client timeout) and read every request back.
 */
export class AlgoliaStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly indexes = new Map<string, Map<string, Rec>>();
  readonly settings = new Map<string, Record<string, unknown>>();
  /** Algolia's limit is 10 KB per record on most plans. */
  maxRecordBytes = 10_000;
  /** Tasks answer `notPublished` this many times before `published`, as real tasks take a moment. */
  taskPolls = 1;
  /** Each answer leaves this long after the request is applied: a real API's round trip, so writes are in flight when a test stops the app. */
  answerDelayMs = 0;
  private readonly script: { match: RegExp; answer: Scripted }[] = [];
  private failing?: { match: RegExp; until: number; status: number };
  private readonly taskSeen = new Map<number, number>();
  private nextTask = 1000;
  private readonly hung = new Set<ServerResponse>();
  private server!: Server;

  constructor(
    readonly appId = 'TESTAPP',
    readonly apiKey = 'test-write-key',
  ) {}

  private port = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening (connections refused) until `start()` again, on the same port, indexes kept. */
  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next requests whose `METHOD path` matches answer as scripted, one each, in order. */
  answerNext(match: RegExp, ...answers: Scripted[]): void {
    for (const answer of answers) this.script.push({ match, answer });
  }

  /** Requests matching answer `status` until `ms` from now. */
  failFor(match: RegExp, ms: number, status = 500): void {
    this.failing = { match, until: Date.now() + ms, status };
  }

  /** Recorded requests whose `METHOD path` matches. */
  sent(match: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => match.test(`${r.method} ${r.path}`));
  }

  records(index: string): Rec[] {
    return [...(this.indexes.get(index)?.values() ?? [])].sort((a, b) => (a.objectID < b.objectID ? -1 : 1));
  }

  private index(name: string): Map<string, Rec> {
    let idx = this.indexes.get(name);
    if (!idx) this.indexes.set(name, (idx = new Map()));
    return idx;
  }

  private task(): number {
    return this.nextTask++;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let raw = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const recorded: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      appId: req.headers['x-algolia-application-id'] as string | undefined,
      apiKey: req.headers['x-algolia-api-key'] as string | undefined,
      body: raw.length ? JSON.parse(raw.toString('utf8')) : undefined,
    };
    this.requests.push(recorded);
    const line = `${recorded.method} ${recorded.path}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      recorded.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };

    if (recorded.appId !== this.appId || recorded.apiKey !== this.apiKey) return send(403, { message: 'Invalid Application-ID or API key', status: 403 });
    if (this.failing && this.failing.match.test(line) && Date.now() < this.failing.until) {
      return send(this.failing.status, { message: 'Internal Server Error', status: this.failing.status });
    }
    const scripted = this.script.findIndex((s) => s.match.test(line));
    let hang = false;
    if (scripted >= 0) {
      const [{ answer }] = this.script.splice(scripted, 1);
      if (answer === 'hang') hang = true;
      else return send(answer.status, answer.body ?? { message: `scripted ${answer.status}`, status: answer.status }, answer.headers);
    }
    const result = this.route(recorded);
    if (hang) {
      // Applied, but the answer never comes: the client times out and must be safe to retry.
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    if (this.answerDelayMs > 0) await new Promise((r) => setTimeout(r, this.answerDelayMs));
    send(result.status, result.body);
  }

  private route(r: RecordedRequest): { status: number; body: unknown } {
    const body = (r.body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;
    if (r.method === 'POST' && r.path === '/1/indexes/*/batch') return this.batch(body.requests as { action: string; indexName: string; body: Rec }[]);
    if (r.method === 'POST' && r.path === '/1/indexes/*/objects') {
      const requests = body.requests as { indexName: string; objectID: string }[];
      return { status: 200, body: { results: requests.map((q) => this.indexes.get(q.indexName)?.get(q.objectID) ?? null) } };
    }
    if (r.method === 'GET' && (m = /^\/1\/indexes\/([^/]+)\/task\/(\d+)$/.exec(r.path))) {
      const id = Number(m[2]);
      const seen = (this.taskSeen.get(id) ?? 0) + 1;
      this.taskSeen.set(id, seen);
      return { status: 200, body: { status: seen > this.taskPolls ? 'published' : 'notPublished', pendingTask: seen <= this.taskPolls } };
    }
    if (r.method === 'POST' && (m = /^\/1\/indexes\/([^/]+)\/operation$/.exec(r.path))) {
      const source = m[1];
      const { operation, destination, scope } = body as { operation: string; destination: string; scope?: string[] };
      if (!this.indexes.has(source) && !this.settings.has(source)) return { status: 404, body: { message: 'Index does not exist', status: 404 } };
      if (operation === 'copy') {
        this.settings.set(destination, { ...this.settings.get(source) });
        if (!scope) this.indexes.set(destination, new Map(this.index(source)));
        else this.index(destination);
      } else if (operation === 'move') {
        this.indexes.set(destination, this.index(source));
        this.settings.set(destination, this.settings.get(source) ?? {});
        this.indexes.delete(source);
        this.settings.delete(source);
      } else return { status: 400, body: { message: `Invalid operation ${operation}`, status: 400 } };
      return { status: 200, body: { taskID: this.task(), updatedAt: new Date().toISOString() } };
    }
    if (r.method === 'DELETE' && (m = /^\/1\/indexes\/([^/]+)$/.exec(r.path))) {
      this.indexes.delete(m[1]);
      this.settings.delete(m[1]);
      return { status: 200, body: { taskID: this.task(), deletedAt: new Date().toISOString() } };
    }
    if (r.method === 'GET' && r.path === '/1/indexes') {
      return { status: 200, body: { items: [...this.indexes.keys()].map((name) => ({ name, entries: this.index(name).size })), nbPages: 1 } };
    }
    if (r.method === 'POST' && (m = /^\/1\/indexes\/([^/]+)\/query$/.exec(r.path))) return this.query(m[1], body);
    return { status: 404, body: { message: `stand-in does not speak ${r.method} ${r.path}`, status: 404 } };
  }

  private batch(requests: { action: string; indexName: string; body: Rec }[]): { status: number; body: unknown } {
    // Algolia checks the whole batch first: one bad record refuses all of it.
    for (const [position, req] of requests.entries()) {
      if (req.action === 'updateObject' || req.action === 'addObject') {
        const size = Buffer.byteLength(JSON.stringify(req.body));
        if (size > this.maxRecordBytes) return { status: 400, body: { message: tooBig(position, req.body.objectID, size, this.maxRecordBytes), status: 400 } };
      }
    }
    const taskID: Record<string, number> = {};
    for (const req of requests) {
      const idx = this.index(req.indexName);
      if (req.action === 'updateObject' || req.action === 'addObject') idx.set(req.body.objectID, req.body);
      else if (req.action === 'deleteObject') idx.delete(req.body.objectID);
      else return { status: 400, body: { message: `Invalid action ${req.action}`, status: 400 } };
      taskID[req.indexName] ??= this.task();
    }
    return { status: 200, body: { taskID, objectIDs: requests.map((r) => r.body.objectID) } };
  }

  private query(index: string, params: Record<string, unknown>): { status: number; body: unknown } {
    if (!this.indexes.has(index)) return { status: 404, body: { message: 'Index does not exist', status: 404 } };
    const q = String(params.query ?? '').toLowerCase();
    const page = Number(params.page ?? 0);
    const hitsPerPage = Number(params.hitsPerPage ?? 20);
    const all = this.records(index).filter((rec) => !q || Object.values(rec).some((v) => typeof v === 'string' && v.toLowerCase().includes(q)));
    const hits = all.slice(page * hitsPerPage, (page + 1) * hitsPerPage).map((h) => ({ ...h, _highlightResult: {} }));
    return { status: 200, body: { hits, nbHits: all.length, page, hitsPerPage, nbPages: Math.ceil(all.length / hitsPerPage), processingTimeMS: 1, query: q, params: '' } };
  }
}
