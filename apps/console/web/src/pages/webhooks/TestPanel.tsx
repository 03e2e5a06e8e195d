import { type FormEvent, useState } from 'react';
import { appRequest } from '../../api.js';
import { Json } from '../../components/Json.js';
import { StatusPill } from '../../components/LevelBadge.js';
import { Notice } from '../../components/Status.js';
import type { Subscription, TestWebhookResult } from '../../types.js';

/** POST /webhooks/test: one signed test event to a url or a subscription; the answer as the endpoint gave it. */
export function TestPanel({ subscriptions }: { subscriptions: Subscription[] }) {
  const [target, setTarget] = useState<'url' | 'subscription'>(subscriptions.length ? 'subscription' : 'url');
  const [url, setUrl] = useState('');
  const [subscriptionId, setSubscriptionId] = useState('');
  const [eventType, setEventType] = useState('webhook.test');
  const [data, setData] = useState('{"test": true}');
  const [result, setResult] = useState<TestWebhookResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = subscriptionId || subscriptions[0]?.id || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch (err) {
        throw new Error(`data is not valid JSON: ${(err as Error).message}`);
      }
      const body = { ...(target === 'url' ? { url: url.trim() } : { subscriptionId: chosen }), eventType: eventType.trim() || undefined, data: parsed };
      setResult(await appRequest<TestWebhookResult>('webhook-dispatcher', '/webhooks/test', { method: 'POST', body }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-label="Test a webhook">
        <fieldset className="wide levels">
          <legend>Send to</legend>
          <label className="check">
            <input type="radio" name="target" checked={target === 'subscription'} onChange={() => setTarget('subscription')} disabled={subscriptions.length === 0} /> a subscription
          </label>
          <label className="check">
            <input type="radio" name="target" checked={target === 'url'} onChange={() => setTarget('url')} /> a URL
          </label>
        </fieldset>
        {target === 'url' ? (
          <label className="wide">
            URL
            <input name="testUrl" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/webhooks" required />
          </label>
        ) : (
          <label className="wide">
            Subscription
            <select name="testSubscription" value={chosen} onChange={(e) => setSubscriptionId(e.target.value)}>
              {subscriptions.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.url})
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Event type
          <input name="eventType" value={eventType} onChange={(e) => setEventType(e.target.value)} />
        </label>
        <label className="wide">
          Data (JSON)
          <textarea name="data" rows={3} value={data} onChange={(e) => setData(e.target.value)} />
        </label>
        <div className="wide inline-form">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send test event'}
          </button>
        </div>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {result && (
        <div className="card test-result" aria-label="Test result">
          <header className="inline-form">
            <StatusPill status={result.delivered ? 'delivered' : 'failed'} />
            <strong>{result.response ? `HTTP ${result.response.status}` : 'no response'}</strong>
            <span className="muted">in {result.durationMs} ms · {result.url}</span>
          </header>
          {result.error && <p className="health-error">{result.error}</p>}
          {result.secret && <p className="muted small">Signed with a one-off secret: {result.secret}</p>}
          {result.response && (
            <>
              <h3>Response headers</h3>
              <Json value={result.response.headers} />
              <h3>Response body</h3>
              <pre className="json">{result.response.body ?? '(empty)'}</pre>
            </>
          )}
          <h3>Request headers</h3>
          <Json value={result.request.headers} />
        </div>
      )}
    </div>
  );
}
