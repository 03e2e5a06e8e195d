import { type FormEvent, useState } from 'react';

/**
 * The state of a create-or-edit form: the draft, a setter per field, and a submit that sends
 * `bodyOf(draft, initial)` (for an edit only what changed; nothing changed is an error) through
 * `onSave`, showing its error (the app's message, which names the field).
 * @example const form = useDraftForm(initial, editing, ruleBodyOf, onSave);
 */
export function useDraftForm<D, B extends object>(initial: D, editing: boolean, bodyOf: (draft: D, initial?: D) => B, onSave: (body: B) => Promise<void>) {
  const [draft, setDraft] = useState<D>(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof D>(key: K, value: D[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body = bodyOf(draft, editing ? initial : undefined);
      if (editing && Object.keys(body).length === 0) throw new Error('Nothing changed.');
      await onSave(body);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { draft, set, error, busy, submit };
}
