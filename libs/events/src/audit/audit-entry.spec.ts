import { ADMIN_API_ACTOR, auditEvent } from './audit-entry.js';

describe(auditEvent.name, () => {
  it('types the event audit.<action> and puts actor, target and the change in data and the envelope options', () => {
    const { type, data, options } = auditEvent({
      action: 'sms_rule_updated',
      target: { type: 'sms-rule', id: 'r1' },
      before: { enabled: true },
      after: { enabled: false },
      details: { note: 'x' },
      correlationId: 'c1',
    });
    expect(type).toBe('audit.sms_rule_updated');
    expect(data).toEqual({ note: 'x', action: 'sms_rule_updated', actor: ADMIN_API_ACTOR, target: { type: 'sms-rule', id: 'r1' }, before: { enabled: true }, after: { enabled: false } });
    expect(options).toEqual({ actor: 'admin-api', resourceType: 'sms-rule', resourceId: 'r1', subject: 'r1', correlationId: 'c1', audience: 'admin', category: 'Audit' });
  });

  it('leaves out what the action has not (no id, no before/after), and a detail cannot overwrite the actor or target', () => {
    const { data, options } = auditEvent({ action: 'dead_letters_purged', actor: 'cli', target: { type: 'dlq' }, details: { actor: 'forged', target: 'x', purged: 2 } });
    expect(data).toEqual({ action: 'dead_letters_purged', actor: 'cli', target: { type: 'dlq' }, purged: 2 });
    expect(options).toEqual({ actor: 'cli', resourceType: 'dlq', audience: 'admin', category: 'Audit' });
  });
});
