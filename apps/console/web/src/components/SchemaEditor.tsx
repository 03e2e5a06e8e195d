import { type FormEvent, useEffect, useState } from 'react';
import { appRequest } from '../api.js';
import { schemaBody, type SchemaDraft } from '../schema-draft.js';
import { Json } from './Json.js';
import { Notice } from './Status.js';

/** `POST /events/schemas/check`'s answer: what registering would do, and an event made from the schema. */
interface SchemaCheck {
  type: string;
  version: number;
  previousVersion: number | null;
  breaking: boolean;
  changes: string[];
  sample: unknown;
}

type Checked = { status: 'idle' } | { status: 'checking' } | { status: 'ok'; check: SchemaCheck } | { status: 'problem'; message: string };

/** Waits this long after the last keystroke before asking the store, so typing is not a request per key. */
const CHECK_DELAY_MS = 400;

/**
 * Adds a type or a new version of one: the schema as JSON in a textarea, checked by the event store
 * as it is typed (its validation messages as they are), with the sample event its generator makes.
 */
export function SchemaEditor({ initial, editing, onRegistered, onCancel }: { initial: SchemaDraft; editing: boolean; onRegistered: (type: string, version: number) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<SchemaDraft>(initial);
  const [checked, setChecked] = useState<Checked>({ status: 'idle' });
  const [saveError, setSaveError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof SchemaDraft>(key: K, value: SchemaDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  useEffect(() => {
    setSaveError(null);
    const made = schemaBody(draft);
    if ('problem' in made) return setChecked({ status: 'problem', message: made.problem });
    if (!draft.type.trim()) return setChecked({ status: 'idle' });
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setChecked({ status: 'checking' });
      appRequest<SchemaCheck>('event-store', '/events/schemas/check', { method: 'POST', body: made.body, signal: abort.signal }).then(
        (check) => setChecked({ status: 'ok', check }),
        (err: Error) => err.name !== 'AbortError' && setChecked({ status: 'problem', message: err.message }),
      );
    }, CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [draft]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const made = schemaBody(draft);
    if ('problem' in made) return setSaveError(made.problem);
    setBusy(true);
    setSaveError(null);
    try {
      const saved = await appRequest<{ type: string; version: number }>('event-store', '/events/schemas', { method: 'POST', body: made.body });
      onRegistered(saved.type, saved.version);
    } catch (err) {
      setSaveError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? `New version of ${initial.type}` : 'New event type';
  return (
    <form className="card form-grid schema-editor" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h3 className="wide">{title}</h3>
      <label>
        Type
        <input name="type" value={draft.type} onChange={(e) => set('type', e.target.value)} placeholder="invoice.issued" readOnly={editing} required />
      </label>
      <label>
        Version
        <input name="version" inputMode="numeric" value={draft.version} onChange={(e) => set('version', e.target.value)} required />
      </label>
      <label className="check">
        <input type="checkbox" name="breaking" checked={draft.breaking} onChange={(e) => set('breaking', e.target.checked)} /> Breaking change (may refuse events the previous version accepted)
      </label>
      <label className="wide">
        JSON Schema of the event's data
        <textarea name="schema" rows={14} spellCheck={false} className="mono" value={draft.schema} onChange={(e) => set('schema', e.target.value)} />
      </label>
      <div className="wide" aria-label="schema check" aria-live="polite">
        {checked.status === 'checking' && <p className="muted small">Checking with the event store…</p>}
        {checked.status === 'problem' && <Notice kind="error">{checked.message}</Notice>}
        {checked.status === 'ok' && (
          <Notice kind="ok">
            {checked.check.previousVersion === null ? `Version ${checked.check.version} of a new type` : `Version ${checked.check.version}, after ${checked.check.previousVersion}`}
            {checked.check.breaking ? `; breaking: ${checked.check.changes.join('; ')}` : '; accepts every event the previous version did'}
          </Notice>
        )}
      </div>
      {checked.status === 'ok' && (
        <div className="wide" aria-label="sample event">
          <p className="muted small">A sample event generated from this schema:</p>
          <Json value={checked.check.sample} />
        </div>
      )}
      {saveError && (
        <div className="wide" aria-label="registration">
          <Notice kind="error">{saveError}</Notice>
        </div>
      )}
      <div className="wide inline-form">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Registering…' : `Register version ${draft.version}`}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
