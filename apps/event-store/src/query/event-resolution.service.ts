import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@app/events';
import { EventsRepository } from './events.repository.js';
import { EventItem, toEventItem } from './event-item.js';

/**
 * Resolving error events (an operator has dealt with it) and undoing that. A change is recorded as
 * `audit.event_resolved` / `audit.event_unresolved`; asking for the state an event already has
 * changes and records nothing.
 */
@Injectable()
export class EventResolutionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventsRepository,
    private readonly audit: AuditTrail,
  ) {}

  resolve(id: string, by: string): Promise<EventItem> {
    return this.change(id, true, by);
  }

  unresolve(id: string, by: string): Promise<EventItem> {
    return this.change(id, false, by);
  }

  private async change(id: string, resolved: boolean, by: string): Promise<EventItem> {
    const changed = await this.db.transaction(async (m) => {
      const row = await this.events.setResolved(id, resolved, by, m);
      if (row) {
        await this.audit.record(
          {
            action: resolved ? 'event_resolved' : 'event_unresolved',
            actor: by,
            target: { type: 'event', id },
            before: { resolved: !resolved },
            after: { resolved },
            details: { eventId: id, eventType: row.type, by },
          },
          m,
        );
      }
      return row;
    });
    if (changed) return toEventItem(changed);
    const current = await this.events.findById(id);
    if (!current) throw new NotFoundException(`Event ${id} not found`);
    if (current.level !== 'error') {
      throw new ConflictException(`Event ${id} is a ${current.level}-level event: only error-level events can be resolved or unresolved`);
    }
    return toEventItem(current);
  }
}
