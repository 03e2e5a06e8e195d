import { useState } from 'react';
import { formatCount, formatTime } from '../format.js';
import { listKeys } from '../list-keys.js';
import type { DeadLetter } from '../types.js';

export interface DeadLetterGroup {
  consumer: string;
  reason: string;
  seqs: number[];
  types: string[];
  newest: string;
  error: string;
}

/** The listed letters by consumer and reason, biggest group first. */
export function groupDeadLetters(items: DeadLetter[]): DeadLetterGroup[] {
  const groups = new Map<string, DeadLetterGroup>();
  for (const d of items) {
    const key = `${d.consumer}\u0000${d.reason}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { consumer: d.consumer, reason: d.reason || '?', seqs: [], types: [], newest: d.time, error: d.error }));
    g.seqs.push(d.seq);
    if (!g.types.includes(d.type)) g.types.push(d.type);
    if (d.time > g.newest) g.newest = d.time;
  }
  return [...groups.values()].sort((a, b) => b.seqs.length - a.seqs.length || a.consumer.localeCompare(b.consumer));
}

/**
 * Dead letters grouped by consumer and reason, each with "Redrive this group": it first says how
 * many letters go back to which consumer, then sends them (the page shows the progress).
 */
export function DeadLetterGroups({ items, partial, busy, onRedrive }: { items: DeadLetter[]; partial: boolean; busy: boolean; onRedrive: (g: DeadLetterGroup) => void }) {
  const [confirm, setConfirm] = useState<string | null>(null);
  const groups = groupDeadLetters(items);
  if (groups.length === 0) return null;
  return (
    <>
      <h2 className="section-title">By consumer and reason</h2>
      {partial && <p className="muted small">Grouped from the newest {formatCount(items.length)} letters listed below.</p>}
      <ul className="group-list" aria-label="dead letter groups" onKeyDown={listKeys}>
        {groups.map((g) => {
          const key = `${g.consumer}\u0000${g.reason}`;
          const n = g.seqs.length;
          return (
            <li key={key} className="card group-row" data-row tabIndex={0} data-group-consumer={g.consumer} data-group-reason={g.reason}>
              <div>
                <div className="group-title">
                  <span className="group-count">{formatCount(n)}×</span>
                  <strong>{g.consumer}</strong>
                  <span className="badge level-warn">{g.reason}</span>
                </div>
                <p className="group-message clamp">{g.error || <span className="muted">(no error text)</span>}</p>
                <p className="muted small clamp">
                  {g.types.join(', ')} · newest {formatTime(g.newest)}
                </p>
              </div>
              <div className="group-actions">
                {confirm === key ? (
                  <>
                    <span className="muted small" role="status">
                      {`Sends ${formatCount(n)} letter${n === 1 ? '' : 's'} back to ${g.consumer}.`}
                    </span>
                    <button
                      type="button"
                      className="btn btn-small btn-primary"
                      disabled={busy}
                      onClick={() => {
                        setConfirm(null);
                        onRedrive(g);
                      }}
                    >
                      Redrive {formatCount(n)}
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => setConfirm(null)}>
                      Not now
                    </button>
                  </>
                ) : (
                  <button type="button" className="btn btn-small" disabled={busy} onClick={() => setConfirm(key)}>
                    Redrive this group…
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
