import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventsService, PublishResult } from '@app/events';
import type { VendorEvents, VendorEventType } from './vendor.events.js';

/** Publishes vendor events, checked against {@link VendorEvents}, inside the caller's transaction. */
@Injectable()
export class VendorEventsPublisher {
  constructor(private readonly events: EventsService) {}

  /** Writes the event to the outbox in `manager`'s transaction: it is published only if that commits. */
  publish<K extends VendorEventType>(manager: EntityManager, type: K, vendorId: string, data: VendorEvents[K]): Promise<PublishResult> {
    return this.events.publishInTransaction(manager, type, data, { subject: vendorId, resourceType: 'vendor', resourceId: vendorId });
  }
}
