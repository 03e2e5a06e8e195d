import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EVENTS_SERVICE, InjectEventsService, type IEventsService } from '@app/events';
import { eventsServiceContract } from './events-service.contract.js';
import { InMemoryEventsService } from './in-memory-events.service.js';

eventsServiceContract('InMemoryEventsService', async () => ({ events: new InMemoryEventsService('contract-memory'), service: 'contract-memory', close: async () => undefined }));

@Injectable()
class VendorNotifier {
  constructor(@InjectEventsService() readonly events: IEventsService) {}
}

describe(InMemoryEventsService.name, () => {
  it('replaces the port with useClass, and records what a unit under test published', async () => {
    const ref = await Test.createTestingModule({ providers: [VendorNotifier, { provide: EVENTS_SERVICE, useClass: InMemoryEventsService }] }).compile();
    const notifier = ref.get(VendorNotifier);
    expect(notifier.events).toBeInstanceOf(InMemoryEventsService);
    await notifier.events.publishEvent('vendor.created', { id: 'v1' });
    expect((notifier.events as InMemoryEventsService).published.map((e) => [e.type, e.data])).toEqual([['vendor.created', { id: 'v1' }]]);
  });
});
