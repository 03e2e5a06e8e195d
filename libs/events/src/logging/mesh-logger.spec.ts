import { createEnvelope } from '../envelope/cloud-event.js';
import { runInMeshContext } from '../context/mesh-context.js';
import { MeshLogger } from './mesh-logger.js';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function capture(): { logger: MeshLogger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = new MeshLogger({ app: 'unit', format: 'json', destination: { write: (l: string) => void raw.push(l) } });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('MeshLogger', () => {
  it('writes one JSON line per entry with app, level and Nest context', () => {
    const { logger, lines } = capture();
    logger.log('listening', 'Bootstrap');
    logger.warn('slow');
    logger.error('failed', 'Error: failed\n    at x', 'Relay');
    expect(lines()).toEqual([
      expect.objectContaining({ app: 'unit', level: 'info', msg: 'listening', context: 'Bootstrap' }),
      expect.objectContaining({ app: 'unit', level: 'warn', msg: 'slow' }),
      expect.objectContaining({ app: 'unit', level: 'error', msg: 'failed', context: 'Relay', stack: 'Error: failed\n    at x' }),
    ]);
    expect(lines()[0]).toHaveProperty('time');
  });

  it('adds the trace id, event id and correlation of the event being handled', () => {
    const { logger, lines } = capture();
    const event = createEnvelope('vendor.created', {}, 'test', { correlationId: 'story-9', traceparent: TP });
    runInMeshContext(event, () => logger.log('handling'), undefined, undefined, undefined);
    expect(lines()[0]).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', event_id: event.id, correlation_id: 'story-9' });
  });

  it('censors secrets and phone numbers in fields, and phone numbers in text', () => {
    const { logger, lines } = capture();
    logger.log({ msg: 'provider configured', provider: { authToken: 'sekrit-token-123', from: '+15005550006' }, headers: { authorization: 'Bearer abc' } });
    logger.warn('SMS to +989121234567 failed');
    const [fields, text] = lines();
    expect(fields).toMatchObject({ provider: { authToken: '[redacted]', from: '[redacted]' }, headers: { authorization: '[redacted]' } });
    expect(text!.msg).toBe('SMS to +***67 failed');
    expect(JSON.stringify(lines())).not.toMatch(/sekrit|9121234567|5005550006|Bearer/);
  });

  it('logs an Error with its message and stack', () => {
    const { logger, lines } = capture();
    logger.error(new Error('boom'), 'Worker');
    expect(lines()[0]).toMatchObject({ level: 'error', msg: 'boom', context: 'Worker', err: expect.objectContaining({ message: 'boom' }) });
  });
});
