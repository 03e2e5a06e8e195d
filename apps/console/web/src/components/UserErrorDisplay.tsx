import { useState } from 'react';
import { timeAgo } from '../format.js';
import './user-errors.css';
import type { EventItem } from '../types.js';

/** The words a user reads for an error: the producer's own (`usermessage`), else the stored English sentence. */
export const userWords = (e: EventItem): string =>
  typeof e.usermessage === 'string' ? e.usermessage : (e.messageEn ?? 'Something went wrong. Please try again.');

/**
 * The errors a user is shown, as the product's page would show them: one alert each, in the user's
 * words (never the stack or the data), with Dismiss. `onDismiss` resolves the error; the alert
 * stays, busy, until it has.
 * @example <UserErrorDisplay errors={items} onDismiss={(e) => resolve(e.id)} />
 */
export function UserErrorDisplay({ errors, onDismiss }: { errors: EventItem[]; onDismiss: (error: EventItem) => Promise<void> }) {
  const [busy, setBusy] = useState<string | null>(null);
  const dismiss = async (e: EventItem) => {
    setBusy(e.id);
    try {
      await onDismiss(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <ul className="user-errors" aria-label="Errors shown to users">
      {errors.map((e) => (
        <li key={e.id} className="user-error" role="alert" data-event-id={e.id}>
          <p className="user-error-words">{userWords(e)}</p>
          <span className="muted user-error-when" title={e.time}>
            {timeAgo(e.time)}
          </span>
          <button type="button" className="btn btn-small" disabled={busy === e.id} onClick={() => void dismiss(e)} aria-label={`Dismiss: ${userWords(e)}`}>
            {busy === e.id ? '…' : 'Dismiss'}
          </button>
        </li>
      ))}
    </ul>
  );
}
