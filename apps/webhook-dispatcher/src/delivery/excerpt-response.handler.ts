import type { Dispatcher } from 'undici';

/** What an endpoint answered, as far as the attempt log keeps it. */
export interface ExcerptResponse {
  status: number;
  headers: Record<string, string>;
  /** The first `limit` bytes of the body, as text. */
  body: string;
}

const flatten = (headers: Record<string, string | string[] | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
};

/**
 * An undici dispatch handler that keeps the status, the headers and the first `limit` body bytes,
 * and settles `done` with them. A delivery's hot path used `request()`, whose response body is a
 * stream (a Readable per request, then its consumption and teardown): a measurable share of the
 * dispatcher's CPU for answers of a few bytes that only go into the attempt log.
 * A longer body is cut off at the limit and its connection dropped rather than drained, as before.
 * `abort` cuts the request off (timeout, shutdown); the reason is what `done` rejects with.
 */
export class ExcerptResponseHandler implements Dispatcher.DispatchHandler {
  readonly done: Promise<ExcerptResponse>;
  private resolve!: (r: ExcerptResponse) => void;
  private reject!: (err: Error) => void;
  private controller?: Dispatcher.DispatchController;
  /** Aborted before undici handed the request a connection: applied when it does. */
  private reason?: Error;
  private settled = false;
  private status = 0;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {
    this.done = new Promise<ExcerptResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  abort(reason: Error): void {
    if (this.settled) return;
    if (this.controller) this.controller.abort(reason);
    else this.reason = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.reason) controller.abort(this.reason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx answers are interim: the final one follows.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = flatten(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.limit) {
      this.finish();
      controller.abort(new Error('response excerpt complete'));
    }
  }

  onResponseEnd(): void {
    this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    const bytes = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    // toString() replaces a multi-byte character cut at the limit with U+FFFD.
    this.resolve({ status: this.status, headers: this.headers, body: bytes.subarray(0, this.limit).toString('utf8') });
    this.chunks = [];
  }
}
