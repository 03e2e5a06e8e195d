import { Injectable } from '@nestjs/common';
import { EventsService } from '@app/events';

/** Every admin action is itself an event (`audit.<action>`), so it lands in the history like the rest. */
@Injectable()
export class AuditPublisher {
  constructor(private readonly events: EventsService) {}

  async record(action: string, details: Record<string, unknown>, actor = 'admin-api'): Promise<void> {
    await this.events.publishEvent(`audit.${action}`, details, { actor, resourceType: 'event-store' });
  }
}
