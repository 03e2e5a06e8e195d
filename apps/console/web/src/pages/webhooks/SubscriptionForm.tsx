import { useDraftForm } from '../../draft-form.js';
import { Notice } from '../../components/Status.js';
import { bodyOf, draftOf, EMPTY_DRAFT, type SubscriptionDraft } from '../../subscription-form.js';
import type { Subscription } from '../../types.js';

/** Create (no `subscription`) or edit one; `onSave` gets the body to send and throws the dispatcher's error. */
export function SubscriptionForm({ subscription, onSave, onCancel }: { subscription?: Subscription; onSave: (body: Record<string, unknown>) => Promise<void>; onCancel: () => void }) {
  const initial = subscription ? draftOf(subscription) : EMPTY_DRAFT;
  const { draft, set, error, busy, submit } = useDraftForm<SubscriptionDraft, Parameters<typeof onSave>[0]>(initial, subscription !== undefined, bodyOf, onSave);

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-label={subscription ? `Edit ${subscription.name}` : 'New subscription'}>
      <label>
        Name
        <input name="name" value={draft.name} onChange={(e) => set('name', e.target.value)} required />
      </label>
      <label className="wide">
        URL
        <input name="url" value={draft.url} onChange={(e) => set('url', e.target.value)} placeholder="https://example.com/webhooks" required />
      </label>
      <label className="wide">
        Event types (comma-separated: vendor.created, vendor.*, order.&gt;, * for all)
        <input name="eventTypes" value={draft.eventTypes} onChange={(e) => set('eventTypes', e.target.value)} required />
      </label>
      <label>
        Timeout (ms)
        <input name="timeoutMs" inputMode="numeric" value={draft.timeoutMs} onChange={(e) => set('timeoutMs', e.target.value)} placeholder="10000" />
      </label>
      <label>
        Max attempts
        <input name="maxAttempts" inputMode="numeric" value={draft.maxAttempts} onChange={(e) => set('maxAttempts', e.target.value)} placeholder="dispatcher default" />
      </label>
      <label>
        Rate limit (per second)
        <input name="rateLimitPerSecond" inputMode="numeric" value={draft.rateLimitPerSecond} onChange={(e) => set('rateLimitPerSecond', e.target.value)} placeholder="unlimited" />
      </label>
      <label className="check">
        <input type="checkbox" name="active" checked={draft.active} onChange={(e) => set('active', e.target.checked)} /> Active
      </label>
      <label className="wide">
        Filter on the data (JSON, optional)
        <textarea name="filter" rows={3} value={draft.filter} onChange={(e) => set('filter', e.target.value)} placeholder='{"data.amount": {"gte": 100}}' />
      </label>
      <label className="wide">
        Extra headers (JSON object, optional)
        <textarea name="headers" rows={2} value={draft.headers} onChange={(e) => set('headers', e.target.value)} placeholder='{"X-Team": "ops"}' />
      </label>
      <label className="wide">
        Description
        <input name="description" value={draft.description} onChange={(e) => set('description', e.target.value)} />
      </label>
      {error && (
        <div className="wide">
          <Notice kind="error">{error}</Notice>
        </div>
      )}
      <div className="wide inline-form">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : subscription ? 'Save changes' : 'Create subscription'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
