import { type FormEvent, useState } from 'react';
import { request } from '../api.js';
import { type DeadLetterGroup, DeadLetterGroups } from '../components/DeadLetterGroups.js';
import { Drawer } from '../components/Drawer.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { useBatchRun } from '../batch-run.js';
import { Json } from '../components/Json.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Status.js';
import { formatCount, formatTime } from '../format.js';
import { useAsync } from '../hooks.js';
import { queryString } from '../query-string.js';
import type { DeadLetter, DeadLetterList, RedriveReport } from '../types.js';

/** Letters per redrive request when many go back at once: small enough that progress moves and a cancel stops soon. */
const REDRIVE_BATCH = 25;

type Outcome = { kind: 'ok' | 'error'; text: string } | null;

const describeReport = (r: RedriveReport) =>
  `Redrove ${r.redriven.length} dead letter${r.redriven.length === 1 ? '' : 's'} to ${[...new Set(r.redriven.map((x) => x.consumer))].join(', ') || 'no consumer'}` +
  (r.failed.length ? `; ${r.failed.length} failed: ${r.failed.map((f) => `#${f.dlqSeq} ${f.error}`).join('; ')}` : '.');

/** EVENTS_DLQ per consumer app: reason and error of each letter, redrive (to that consumer only) and purge. */
export function DeadLettersPage() {
  const [consumer, setConsumer] = useState('');
  const [typeDraft, setTypeDraft] = useState('');
  const [type, setType] = useState('');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [open, setOpen] = useState<DeadLetter | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [confirmPurge, setConfirmPurge] = useState(false);
  const [busy, setBusy] = useState(false);
  const list = useAsync((signal) => request<DeadLetterList>(`/api/dead-letters${queryString({ consumer, type, limit: 500 })}`, { signal }), [consumer, type]);

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ kind: 'ok', text: await what() });
      setSelected(new Set());
      setOpen(null);
      list.reload();
    } catch (err) {
      setOutcome({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
      setConfirmPurge(false);
    }
  };
  const redrive = (seqs: number[]) => act(async () => describeReport(await request<RedriveReport>('/api/dead-letters/redrive', { method: 'POST', body: { seqs } })));
  // Many letters go in batches, so the page can show how far it got and stop between two.
  const batches = useBatchRun(async (seqs: number[]) => ({ failed: (await request<RedriveReport>('/api/dead-letters/redrive', { method: 'POST', body: { seqs } })).failed.length }), REDRIVE_BATCH);
  const [batchLabel, setBatchLabel] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const redriveMany = (seqs: number[], label: string) =>
    act(async () => {
      setBatchLabel(label);
      setCancelling(false);
      const p = await batches.run(seqs);
      const sent = `${label}: ${formatCount(p.done - p.failed)} of ${formatCount(p.total)} redriven${p.failed ? `, ${formatCount(p.failed)} failed` : ''}`;
      if (p.state === 'failed') throw new Error(`${sent}; stopped: ${p.error}`);
      return p.state === 'cancelled' ? `${sent}; cancelled, the rest stay in the DLQ.` : `${sent}.`;
    });
  const redriveGroup = (g: DeadLetterGroup) => void redriveMany(g.seqs, `Redrive ${g.consumer} · ${g.reason}`);
  const redriveAll = () => act(async () => describeReport(await request<RedriveReport>('/api/dead-letters/redrive', { method: 'POST', body: { all: true, consumer, type: type || undefined } })));
  const purge = () =>
    act(async () => {
      const { purged } = await request<{ purged: number }>('/api/dead-letters/purge', { method: 'POST', body: { consumer: consumer || undefined, type: type || undefined } });
      return `Purged ${purged} dead letter${purged === 1 ? '' : 's'}.`;
    });
  const applyType = (e: FormEvent) => {
    e.preventDefault();
    setType(typeDraft.trim());
  };
  const toggle = (seq: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });

  const depth = list.data?.depth ?? {};
  const consumers = Object.keys(depth).sort();
  const items = list.data?.items ?? [];
  const scope = [consumer && `of ${consumer}`, type && `matching ${type}`].filter(Boolean).join(' ');
  const scoped = (text: string) => (scope ? `${text} ${scope}` : text);

  return (
    <section className="page">
      <div className="cards" aria-label="Dead letters per consumer">
        {consumers.length === 0 && list.data && <div className="card stat"><span className="stat-value">0</span><span className="stat-label">dead letters</span></div>}
        {consumers.map((c) => (
          <button key={c} type="button" className={`card stat stat-button${c === consumer ? ' active' : ''}`} onClick={() => setConsumer(c === consumer ? '' : c)} aria-pressed={c === consumer}>
            <span className="stat-value">{formatCount(depth[c])}</span>
            <span className="stat-label">{c}</span>
          </button>
        ))}
      </div>
      <form className="toolbar" onSubmit={applyType} aria-label="Dead letter filters">
        <label>
          Consumer
          <select name="consumer" value={consumer} onChange={(e) => setConsumer(e.target.value)}>
            <option value="">every consumer</option>
            {consumers.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          Type
          <input name="type" value={typeDraft} onChange={(e) => setTypeDraft(e.target.value)} placeholder="vendor.* (empty: every type)" />
        </label>
        <button type="submit" className="btn">
          Apply
        </button>
        <button type="button" className="btn" onClick={list.reload}>
          Refresh
        </button>
      </form>
      <div className="toolbar">
        <button type="button" className="btn btn-primary" disabled={busy || selected.size === 0} onClick={() => void redriveMany([...selected], 'Redrive selected')}>
          Redrive selected ({selected.size})
        </button>
        <button type="button" className="btn" disabled={busy || !consumer || items.length === 0} onClick={() => void redriveAll()} title={consumer ? '' : 'Pick a consumer first'}>
          Redrive all {consumer ? `of ${consumer}` : ''}
        </button>
        <button type="button" className="btn btn-danger" disabled={busy || items.length === 0} onClick={() => setConfirmPurge(true)}>
          Purge…
        </button>
      </div>
      {confirmPurge && (
        <div className="notice notice-error" role="alertdialog" aria-label="Confirm purge">
          <span>
            Purge {scope ? 'the' : 'all'} {formatCount(list.data?.total)} {scoped(list.data?.total === 1 ? 'dead letter' : 'dead letters')}? They are deleted for good.
          </span>
          <span className="inline-form">
            <button type="button" className="btn btn-danger" onClick={() => void purge()} disabled={busy}>
              Purge them
            </button>
            <button type="button" className="btn" onClick={() => setConfirmPurge(false)}>
              Cancel
            </button>
          </span>
        </div>
      )}
      {batches.progress && (batches.progress.state === 'running' || busy) && (
        <ProgressBar
          label={batchLabel}
          done={batches.progress.done}
          total={batches.progress.total}
          running={batches.progress.state === 'running'}
          detail={batches.progress.failed ? `${formatCount(batches.progress.failed)} failed` : undefined}
          onCancel={() => {
            setCancelling(true);
            batches.cancel();
          }}
          cancelling={cancelling}
        />
      )}
      {outcome && <Notice kind={outcome.kind} onClose={() => setOutcome(null)}>{outcome.text}</Notice>}
      {list.data && <DeadLetterGroups items={items} partial={list.data.total > items.length} busy={busy} onRedrive={redriveGroup} />}
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not read the dead letters" />}
      {!list.data && list.status === 'loading' && <Loading what="dead letters" />}
      {list.data && items.length === 0 && <Empty>{scoped('No dead letters')}. Every message was handled or is still being retried.</Empty>}
      {items.length > 0 && (
        <>
          <p className="muted">
            {list.data && list.data.total > items.length ? `The newest ${items.length} of ${formatCount(list.data.total)}` : `${items.length}`} {scoped(`dead letter${items.length === 1 ? '' : 's'}`)}, newest first
          </p>
          <div className="table-wrap">
            <table className="table dlq-table" aria-label="dead letters">
              <thead>
                <tr>
                  <th aria-label="select" />
                  <th>seq</th>
                  <th>dead-lettered</th>
                  <th>consumer</th>
                  <th>type</th>
                  <th>reason</th>
                  <th>error</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <tr key={d.seq} data-seq={d.seq} data-event-id={d.envelope?.id}>
                    <td>
                      <input type="checkbox" aria-label={`select #${d.seq}`} checked={selected.has(d.seq)} onChange={() => toggle(d.seq)} />
                    </td>
                    <td className="num">
                      <button type="button" className="btn-link link" onClick={() => setOpen(d)}>
                        #{d.seq}
                      </button>
                    </td>
                    <td>{formatTime(d.time)}</td>
                    <td>{d.consumer}</td>
                    <td>
                      <code>{d.type}</code>
                    </td>
                    <td>
                      <span className="badge level-warn">{d.reason || '?'}</span>
                      {d.deliveries !== undefined && <span className="muted small"> after {d.deliveries}</span>}
                    </td>
                    <td className="cell-error" title={d.error}>
                      {d.error}
                    </td>
                    <td>
                      <button type="button" className="btn btn-small" disabled={busy} onClick={() => void redrive([d.seq])}>
                        Redrive
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {open && (
        <Drawer title={<>Dead letter #{open.seq} <code>{open.type}</code></>} onClose={() => setOpen(null)}>
          <dl className="facts">
            <dt>consumer</dt>
            <dd>{open.consumer}</dd>
            <dt>reason</dt>
            <dd>{open.reason}</dd>
            <dt>error</dt>
            <dd>{open.error || '–'}</dd>
            <dt>deliveries</dt>
            <dd>{open.deliveries ?? '–'}</dd>
            <dt>original</dt>
            <dd>
              {open.originalSubject}
              {open.originalSeq !== undefined ? ` · EVENTS seq ${open.originalSeq}` : ''}
            </dd>
            <dt>when</dt>
            <dd>{formatTime(open.time)}</dd>
          </dl>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void redrive([open.seq])}>
            Redrive to {open.consumer}
          </button>
          <h3>Headers</h3>
          <Json value={open.headers} />
          <h3>{open.envelope ? 'Envelope' : 'Body (not a JSON envelope)'}</h3>
          {open.envelope ? <Json value={open.envelope} /> : <pre className="json">{open.body}</pre>}
        </Drawer>
      )}
    </section>
  );
}
