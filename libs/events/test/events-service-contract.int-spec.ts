import { EVENTS_SERVICE, EventsService, type IEventsService } from '@app/events';
import { eventsServiceContract, waitFor } from '@app/testing';
import { startMesh, startProducer } from './support.js';

// The same suite as InMemoryEventsService's (libs/testing), here on a real nats-server and PostgreSQL.
eventsServiceContract('EventsService over JetStream', async () => {
  const mesh = await startMesh('contract');
  try {
    const producer = await startProducer(mesh);
    const events = producer.app.get<IEventsService>(EVENTS_SERVICE);
    // The token is bound to the JetStream implementation, the very instance injected by class.
    expect(events).toBe(producer.app.get(EventsService));
    await waitFor(async () => (await events.healthCheck()).status === 'up', { message: 'the producer did not connect' });
    return { events, service: 'test-producer', close: () => mesh.close() };
  } catch (err) {
    await mesh.close();
    throw err;
  }
});
