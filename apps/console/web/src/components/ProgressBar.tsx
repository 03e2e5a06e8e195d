import type { ReactNode } from 'react';
import { formatCount } from '../format.js';

/** A long action's progress: a bar, "done of total" and what else there is to say; Cancel while it runs, when it can be cancelled. */
export function ProgressBar({ label, done, total, running, detail, onCancel, cancelling }: { label: string; done: number; total: number | null; running: boolean; detail?: ReactNode; onCancel?: () => void; cancelling?: boolean }) {
  return (
    <div className="card progress" role="group" aria-label={label}>
      <strong>{label}</strong>
      {/* Without a total (a reindex does not know how much history there is) the bar is indeterminate. */}
      <progress max={total ?? undefined} value={total === null ? undefined : done} aria-label={`${label} progress`} />
      <span className="progress-counts">
        {total === null ? `${formatCount(done)} so far` : `${formatCount(done)} of ${formatCount(total)}`}
        {detail ? <> · {detail}</> : null}
      </span>
      {running && onCancel && (
        <span>
          <button type="button" className="btn btn-small" onClick={onCancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </span>
      )}
    </div>
  );
}
