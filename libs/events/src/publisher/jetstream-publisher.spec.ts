import { JetStreamApiError } from '@nats-io/jetstream';
import { TimeoutError } from '@nats-io/transport-node';
import { isTransient } from './jetstream-publisher.js';

const apiError = (status: number, errCode: number, description: string) => new JetStreamApiError({ code: status, err_code: errCode, description });

describe(isTransient.name, () => {
  it('retries what a leader election or a reconnect produces: timeouts, no responders, 503s, a lost connection', () => {
    expect(isTransient(new TimeoutError())).toBe(true);
    // What nats.js makes of a 503 No Responders status while no stream leader listens.
    expect(isTransient(new Error('jetstream is not enabled'))).toBe(true);
    expect(isTransient(apiError(503, 10008, 'JetStream system temporarily unavailable'))).toBe(true);
    expect(isTransient(new Error('connection closed'))).toBe(true);
  });

  it("does not retry the server's considered refusals, nor a payload the client refuses as too large", () => {
    expect(isTransient(apiError(400, 10071, 'wrong last sequence'))).toBe(false);
    expect(isTransient(apiError(404, 10059, 'stream not found'))).toBe(false);
    expect(isTransient(new RangeError('payload size exceeded'))).toBe(false);
  });
});
