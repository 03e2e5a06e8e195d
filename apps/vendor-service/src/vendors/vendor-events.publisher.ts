import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventsService, PublishOptions, PublishResult } from '@app/events';
import type { VendorField } from './vendor-data.js';
import { CHANGED_FIELDS_EXTENSION, type VendorEvents, type VendorEventType } from './vendor.events.js';

/** Publishes vendor events, checked against {@link VendorEvents}, inside the caller's transaction. */
@Injectable()
export class VendorEventsPublisher {
  constructor(private readonly events: EventsService) {}

  /**
   * Writes the event to the outbox in `manager`'s transaction: it is published only if that commits.
   * `changedFields` (for `vendor.updated`) travel in the `changedfields` extension.
   */
  publish<K extends VendorEventType>(
    manager: EntityManager,
    type: K,
    vendorId: string,
    data: VendorEvents[K],
    changedFields?: readonly VendorField[],
  ): Promise<PublishResult> {
    const options: PublishOptions = { subject: vendorId, resourceType: 'vendor', resourceId: vendorId };
    if (changedFields) options.extensions = { [CHANGED_FIELDS_EXTENSION]: changedFields.join(',') };
    return this.events.publishInTransaction(manager, type, data, options);
  }
}
