import type { PublishOptions } from '../envelope/cloud-event.js';

/** The actor of a route behind `ApiKeyGuard`: the name of the one admin key (ADMIN_API_KEY). */
export const ADMIN_API_ACTOR = 'admin-api';
/** The actor of what an operator does with the `mesh` CLI. */
export const CLI_ACTOR = 'cli';

/**
 * What an admin action changed: a kind of resource and, where there is one, its id.
 * @example
 * const target: AuditTarget = { type: 'webhook-subscription', id: subscription.id };
 */
export interface AuditTarget {
  type: string;
  id?: string;
}

/**
 * One admin action. `action` becomes the event type `audit.<action>` (tokens `[a-z0-9_-]`);
 * `before`/`after` are the resource as the API shows it (never a secret), where the action has them.
 * @example
 * await this.audit.record({ action: 'sms_rule_updated', target: { type: 'sms-rule', id }, before, after }, manager);
 */
export interface AuditEntry {
  action: string;
  target: AuditTarget;
  actor?: string;
  before?: unknown;
  after?: unknown;
  /** Anything else worth keeping (a filter, counts); spread into the event's data. */
  details?: Record<string, unknown>;
  /** The request's correlation id when the caller has one; otherwise the publish context's. */
  correlationId?: string;
}

/** The data of an `audit.*` event, as the event store keeps it and the console's Audit page reads it. */
export interface AuditData {
  action: string;
  actor: string;
  target: AuditTarget;
  before?: unknown;
  after?: unknown;
  [detail: string]: unknown;
}

/**
 * The event an admin action publishes: type, data and envelope options (actor, resource, correlation).
 * @example
 * const { type, data, options } = auditEvent({ action: 'sms_rule_deleted', target: { type: 'sms-rule', id }, before });
 * await events.publishEvent(type, data, options);
 */
export function auditEvent(entry: AuditEntry): { type: string; data: AuditData; options: PublishOptions } {
  const actor = entry.actor ?? ADMIN_API_ACTOR;
  const data: AuditData = { ...entry.details, action: entry.action, actor, target: entry.target };
  if (entry.before !== undefined) data.before = entry.before;
  if (entry.after !== undefined) data.after = entry.after;
  // Admin actions are for admins' eyes: the user feed never shows them.
  const options: PublishOptions = { actor, resourceType: entry.target.type, audience: 'admin', category: 'Audit' };
  if (entry.target.id !== undefined) {
    options.resourceId = entry.target.id;
    options.subject = entry.target.id;
  }
  if (entry.correlationId !== undefined) options.correlationId = entry.correlationId;
  return { type: `audit.${entry.action}`, data, options };
}
