import { AsyncLocalStorage } from 'node:async_hooks';
import type { CloudEvent } from '../envelope/cloud-event.js';

/**
 * What the events published inside a context inherit. A handled event's envelope is one as it is
 * (no copy per message); an HTTP request opens an empty one that adopts the first event's id.
 * @example
 * const correlation = currentMeshContext()?.correlationid;
 */
export interface MeshContext {
  /** The event being handled: the causation of whatever is published while handling it. */
  id?: string;
  correlationid?: string;
  traceparent?: string;
}

const storage = new AsyncLocalStorage<MeshContext>();

/** Runs `fn(a, b, c)` with `ctx` as the current context (arguments passed through: no closure per message). */
export function runInMeshContext<A, B, C, R>(ctx: MeshContext, fn: (a: A, b: B, c: C) => R, a: A, b: B, c: C): R {
  return storage.run(ctx, fn, a, b, c);
}

/**
 * The context opened by the HTTP request or handled event this code runs for, if any.
 * @example
 * this.logger.log(`handling ${currentMeshContext()?.id ?? 'a request'}`);
 */
export const currentMeshContext = (): MeshContext | undefined => storage.getStore();

/**
 * Fills the envelope's `correlationid` (inherited, or the first event's own id), `causationid`
 * (the handled event) and `traceparent` from the current context, where the caller set none.
 */
export function applyMeshContext(event: CloudEvent): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  if (event.correlationid === undefined) {
    // A handled event always has an id; only a request's context has neither, and keeps the first event's.
    event.correlationid = ctx.correlationid ?? ctx.id ?? (ctx.correlationid = event.id);
  } else if (ctx.id === undefined && ctx.correlationid === undefined) {
    ctx.correlationid = event.correlationid;
  }
  if (event.causationid === undefined && ctx.id !== undefined && ctx.id !== event.id) event.causationid = ctx.id;
  if (event.traceparent === undefined && ctx.traceparent !== undefined) event.traceparent = ctx.traceparent;
}
