import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventsService } from '../publisher/events.service.js';
import type { PublishResult } from '../publisher/publish-result.js';
import { auditEvent, type AuditEntry } from './audit-entry.js';

/**
 * Records admin actions as `audit.*` events. With `manager` the event goes to the outbox inside
 * that transaction, so it exists exactly when the change does; without one it is published once
 * the change is done (an action with nothing to commit: a redrive, a reindex start).
 * @example
 * await this.dataSource.transaction(async (m) => {
 *   await m.delete(SmsRule, { id });
 *   await this.audit.record({ action: 'sms_rule_deleted', target: { type: 'sms-rule', id }, before }, m);
 * });
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly events: EventsService) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<PublishResult> {
    const { type, data, options } = auditEvent(entry);
    return manager ? this.events.publishInTransaction(manager, type, data, options) : this.events.publishEvent(type, data, options);
  }
}

/**
 * Provides {@link AuditTrail}; EventsModule (global) provides the EventsService it needs.
 * @example
 * const rulesModule = { imports: [AuditTrailModule], providers: [RulesService] }; // @Module(rulesModule)
 */
@Module({ providers: [AuditTrail], exports: [AuditTrail] })
export class AuditTrailModule {}
