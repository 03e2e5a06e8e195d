import { matchesPattern, normalizePattern } from '@app/events';
import { compileCondition } from './rule-condition.js';
import type { SmsRule } from './sms-rule.entity.js';

/** A rule ready to test events against: pattern normalised, condition parsed once. */
export interface CompiledRule {
  rule: SmsRule;
  matches(type: string, data: unknown): boolean;
}

/** This app's own outcome events (`sms.*`, `email.*`): never a trigger, or an `sms.sent` rule would loop. */
export const isOwnEventType = (type: string): boolean => type === 'sms' || type.startsWith('sms.') || type === 'email' || type.startsWith('email.');

/** Throws with a message naming the problem: a bad pattern, one aimed at `sms.*`, or a condition that does not parse. */
export function compileRule(rule: SmsRule): CompiledRule {
  const pattern = normalizePattern(rule.eventPattern);
  if (isOwnEventType(pattern)) {
    throw new Error(`eventPattern "${rule.eventPattern}" would match this app's own email.* or sms.* events, which never trigger rules (they would loop)`);
  }
  const condition = rule.condition ? compileCondition(rule.condition) : undefined;
  return {
    rule,
    matches: (type, data) => !isOwnEventType(type) && matchesPattern(type, pattern) && (condition?.matches(data) ?? true),
  };
}
