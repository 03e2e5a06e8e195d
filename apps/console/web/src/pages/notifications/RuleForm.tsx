import { useDraftForm } from '../../draft-form.js';
import { Notice } from '../../components/Status.js';
import type { Rule, RuleInput } from '../../notification-types.js';
import { EMPTY_RULE, ruleBodyOf, ruleDraftOf, type RuleDraft } from '../../rule-form.js';

/** The browser's IANA zones, offered for the quiet hours' zone (the notifier checks what is typed). */
const TIME_ZONES = Intl.supportedValuesOf('timeZone');

/** Create (no `rule`) or edit one; `onSave` gets the body to send and throws the sms-notifier's error (which names the field). */
export function RuleForm({ rule, onSave, onCancel }: { rule?: Rule; onSave: (body: Partial<RuleInput>) => Promise<void>; onCancel: () => void }) {
  const initial = rule ? ruleDraftOf(rule) : EMPTY_RULE;
  const { draft, set, error, busy, submit } = useDraftForm<RuleDraft, Parameters<typeof onSave>[0]>(initial, rule !== undefined, ruleBodyOf, onSave);

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-label={rule ? `Edit ${rule.name}` : 'New rule'}>
      <label>
        Name
        <input name="ruleName" value={draft.name} onChange={(e) => set('name', e.target.value)} required />
      </label>
      <label>
        Event pattern
        <input name="eventPattern" value={draft.eventPattern} onChange={(e) => set('eventPattern', e.target.value)} placeholder="order.status_changed, payment.*" required />
      </label>
      <label>
        Channel
        <select name="channel" value={draft.channel} onChange={(e) => set('channel', e.target.value as RuleDraft['channel'])}>
          <option value="sms">SMS</option>
          <option value="email">Email</option>
        </select>
      </label>
      <fieldset className="wide levels">
        <legend>Recipient</legend>
        <label className="check">
          <input type="radio" name="recipientBy" checked={draft.recipientBy === 'path'} onChange={() => set('recipientBy', 'path')} /> {draft.channel === 'email' ? 'address' : 'number'} in the event
        </label>
        <label className="check">
          <input type="radio" name="recipientBy" checked={draft.recipientBy === 'user'} onChange={() => set('recipientBy', 'user')} /> user id (from the directory)
        </label>
      </fieldset>
      {draft.recipientBy === 'user' ? (
        <label>
          User id path
          <input name="userPath" value={draft.userPath} onChange={(e) => set('userPath', e.target.value)} placeholder="customer.id" />
        </label>
      ) : (
        <label>
          {draft.channel === 'email' ? 'Address path' : 'Phone path'}
          <input name="recipientPath" value={draft.recipientPath} onChange={(e) => set('recipientPath', e.target.value)} placeholder={draft.channel === 'email' ? 'customer.email' : 'phone'} />
        </label>
      )}
      <label className="wide">
        Condition (optional)
        <input name="condition" value={draft.condition} onChange={(e) => set('condition', e.target.value)} placeholder='newStatus == "Started"' />
      </label>
      <label>
        Template key
        <input name="templateKey" value={draft.templateKey} onChange={(e) => set('templateKey', e.target.value)} placeholder="order_confirmation" required />
      </label>
      <label>
        Locale path
        <input name="localePath" value={draft.localePath} onChange={(e) => set('localePath', e.target.value)} placeholder="locale" />
      </label>
      <label>
        Default locale
        <input name="defaultLocale" value={draft.defaultLocale} onChange={(e) => set('defaultLocale', e.target.value)} placeholder="fa" required />
      </label>
      <label>
        Quiet hours (optional)
        <input name="quietHours" value={draft.quietHours} onChange={(e) => set('quietHours', e.target.value)} placeholder="22:00-08:00" />
      </label>
      <label>
        Time zone (optional)
        <input name="timeZone" value={draft.timeZone} onChange={(e) => set('timeZone', e.target.value)} placeholder="UTC" list="rule-time-zones" />
        <datalist id="rule-time-zones">
          {TIME_ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </label>
      <label className="check">
        <input type="checkbox" name="urgent" checked={draft.urgent} onChange={(e) => set('urgent', e.target.checked)} /> Urgent: send inside quiet hours too
      </label>
      <label className="check">
        <input type="checkbox" name="enabled" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
      </label>
      {error && (
        <div className="wide">
          <Notice kind="error">{error}</Notice>
        </div>
      )}
      <div className="wide inline-form">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : rule ? 'Save changes' : 'Create rule'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
