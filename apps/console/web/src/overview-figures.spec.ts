import { formatAge, largestDlq, largestLag, webhookBacklog } from './overview-figures.js';
import type { AppHealth, MeshStatus } from './types.js';

const status = (durables: [string, string, number][], deadLetters: Record<string, number>): MeshStatus => ({
  streams: [],
  missingStreams: [],
  durables: durables.map(([stream, name, pending]) => ({ stream, name, pending, ackPending: 0, redelivered: 0, waiting: 0 })),
  deadLetters,
});

describe('overview figures', () => {
  it('names the EVENTS durable with the most pending, ignoring the other streams', () => {
    expect(largestLag(status([['EVENTS', 'a', 3], ['EVENTS', 'b', 7], ['EVENTS_REPLAY', 'b-replay', 99]], {}))).toEqual({ name: 'b', value: 7 });
    expect(largestLag(status([['EVENTS_REPLAY', 'x', 1]], {}))).toBeNull();
  });

  it('names the consumer with the deepest DLQ, and none when every queue is empty', () => {
    expect(largestDlq(status([], { a: 2, b: 5, c: 0 }))).toEqual({ name: 'b', value: 5 });
    expect(largestDlq(status([], { a: 0 }))).toBeNull();
  });

  it("reads the webhook backlog from the dispatcher's health, null without a dispatcher", () => {
    const app = (details: Record<string, Record<string, unknown>>): AppHealth => ({ name: 'x', url: '', status: 'up', httpStatus: 200, health: { details }, error: null, latencyMs: 1 });
    expect(webhookBacklog([app({ nats: { status: 'up' } }), app({ webhooks: { status: 'up', due: 4, oldestDueAgeSeconds: 95 } })])).toEqual({ due: 4, oldestSeconds: 95 });
    expect(webhookBacklog([app({ nats: { status: 'up' } })])).toBeNull();
  });

  it('says an age in seconds, minutes or hours', () => {
    expect([formatAge(42), formatAge(125), formatAge(3600), formatAge(3 * 3600 + 5 * 60)]).toEqual(['42 s', '2 min', '1 h', '3 h 5 min']);
  });
});
