import { createEnvelope } from '../envelope/cloud-event.js';
import { applyMeshContext, currentMeshContext, runInMeshContext } from './mesh-context.js';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const inContext = <R>(ctx: object, fn: () => R): R => runInMeshContext(ctx, fn, undefined, undefined, undefined);

describe('mesh context', () => {
  it('leaves an event published outside any context as the caller made it', () => {
    const e = createEnvelope('vendor.created', {}, 'test');
    applyMeshContext(e);
    expect(e).not.toHaveProperty('correlationid');
    expect(e).not.toHaveProperty('causationid');
    expect(currentMeshContext()).toBeUndefined();
  });

  it('gives every event of a request the first event’s id as correlation, no causation, and the caller’s trace', () => {
    const ctx = { traceparent: TP };
    const [a, b] = inContext(ctx, () => {
      const first = createEnvelope('vendor.created', {}, 'test');
      applyMeshContext(first);
      const second = createEnvelope('vendor.updated', {}, 'test');
      applyMeshContext(second);
      return [first, second];
    });
    expect(a).toMatchObject({ correlationid: a!.id, traceparent: TP });
    expect(b).toMatchObject({ correlationid: a!.id, traceparent: TP });
    expect(a).not.toHaveProperty('causationid');
  });

  it('adopts a correlation id the request’s first event was given explicitly', () => {
    const ctx = {};
    inContext(ctx, () => applyMeshContext(createEnvelope('a.b', {}, 'test', { correlationId: 'order-7' })));
    const later = inContext(ctx, () => {
      const e = createEnvelope('a.c', {}, 'test');
      applyMeshContext(e);
      return e;
    });
    expect(later.correlationid).toBe('order-7');
  });

  it('links an event published while handling another: its correlation (or id) and the handled id as causation', () => {
    const handled = createEnvelope('vendor.created', {}, 'test', { correlationId: 'story-1', traceparent: TP });
    const followUp = runInMeshContext(handled, (type: string) => {
      const e = createEnvelope(type, {}, 'test');
      applyMeshContext(e);
      return e;
    }, 'vendor.welcomed', undefined, undefined);
    expect(followUp).toMatchObject({ correlationid: 'story-1', causationid: handled.id, traceparent: TP });
    // The handled envelope is the context itself: it must not be changed by what it publishes.
    expect(handled.correlationid).toBe('story-1');

    const first = createEnvelope('vendor.created', {}, 'test');
    const next = inContext(first, () => {
      const e = createEnvelope('vendor.welcomed', {}, 'test');
      applyMeshContext(e);
      return e;
    });
    expect(next).toMatchObject({ correlationid: first.id, causationid: first.id });
    expect(first).not.toHaveProperty('correlationid');
  });

  it('keeps what the caller set and survives awaits', async () => {
    const handled = createEnvelope('x.y', {}, 'test');
    const e = await runInMeshContext(handled, async () => {
      await new Promise((r) => setTimeout(r, 5));
      const out = createEnvelope('x.z', {}, 'test', { correlationId: 'mine', causationId: 'other' });
      applyMeshContext(out);
      return out;
    }, undefined, undefined, undefined);
    expect(e).toMatchObject({ correlationid: 'mine', causationid: 'other' });
  });
});
