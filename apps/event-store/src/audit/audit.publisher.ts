import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventsService } from '@app/events';

/** Every admin action is itself an event (`audit.<action>`), so it lands in the history like the rest. */
@Injectable()
export class AuditPublisher {
  constructor(private readonly events: EventsService) {}

  /** With `manager`, the audit event is written to the outbox in that transaction: it exists iff the change does. */
  async record(action: string, details: Record<string, unknown>, actor = 'admin-api', manager?: EntityManager): Promise<void> {
    const type = `audit.${action}`;
    // Admin actions are for admins' eyes: the user feed never shows them.
    const options = { actor, resourceType: 'event-store', audience: 'admin', category: 'Audit' };
    if (manager) await this.events.publishInTransaction(manager, type, details, options);
    else await this.events.publishEvent(type, details, options);
  }
}
