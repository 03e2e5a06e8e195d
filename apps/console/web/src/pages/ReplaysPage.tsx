import { type FormEvent, useState } from 'react';
import { appRequest, request } from '../api.js';
import { ConsumerSelect } from '../components/ConsumerSelect.js';
import { ReindexPanel } from '../components/ReindexPanel.js';
import { StatusPill } from '../components/LevelBadge.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Status.js';
import { formatCount, formatTime, localInputToIso } from '../format.js';
import { useAsync, useInterval } from '../hooks.js';
import type { ConsumerInfo, ReplayJob, ReplayJobList } from '../types.js';

/** How often the list is read again while a job runs (the event-store updates a job after each batch). */
const POLL_MS = 1_000;

type Outcome = { kind: 'ok' | 'error'; text: string } | null;

/**
 * The event-store's replay jobs: start one (a filter's stored events re-delivered to one consumer
 * app, in the background), follow its progress, cancel it. Jobs live in the event-store process:
 * its restart forgets them.
 */
export function ReplaysPage() {
  const jobs = useAsync((signal) => appRequest<ReplayJobList>('event-store', '/events/replay', { signal }), []);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const running = (jobs.data?.items ?? []).some((j) => j.state === 'running');
  useInterval(jobs.reload, running ? POLL_MS : null);

  const items = jobs.data?.items ?? [];
  return (
    <section className="page">
      <StartReplayForm
        onStarted={(job) => {
          setOutcome({ kind: 'ok', text: `Replay job started for ${job.consumer}.` });
          jobs.reload();
        }}
      />
      {outcome && <Notice kind={outcome.kind} onClose={() => setOutcome(null)}>{outcome.text}</Notice>}
      <div className="toolbar">
        <h2 className="section-title grow">Jobs</h2>
        <button type="button" className="btn" onClick={jobs.reload}>
          Refresh
        </button>
      </div>
      {jobs.status === 'error' && <ErrorBox error={jobs.error} onRetry={jobs.reload} title="Could not read the replay jobs" />}
      {!jobs.data && jobs.status === 'loading' && <Loading what="replay jobs" />}
      {jobs.data && items.length === 0 && <Empty>No replay jobs in this event-store process. Start one above; a restart of the event-store forgets them.</Empty>}
      {items.length > 0 && (
        <ul className="sub-list" aria-label="replay jobs">
          {items.map((job) => (
            <JobCard key={job.jobId} job={job} onChanged={jobs.reload} onOutcome={setOutcome} />
          ))}
        </ul>
      )}
      <ReindexPanel />
    </section>
  );
}

function JobCard({ job, onChanged, onOutcome }: { job: ReplayJob; onChanged: () => void; onOutcome: (o: Outcome) => void }) {
  const [cancelling, setCancelling] = useState(false);
  const cancel = async () => {
    setCancelling(true);
    try {
      // Answers once the job has stopped after its current batch.
      const stopped = await appRequest<ReplayJob>('event-store', `/events/replay/${encodeURIComponent(job.jobId)}`, { method: 'DELETE' });
      onOutcome({ kind: 'ok', text: `Cancelled the replay to ${stopped.consumer} after ${formatCount(stopped.queued)} events.` });
    } catch (err) {
      onOutcome({ kind: 'error', text: (err as Error).message });
    } finally {
      setCancelling(false);
      onChanged();
    }
  };
  const { limit, ...filter } = job.filter;
  return (
    <li className="card sub-card" data-job-id={job.jobId} data-state={job.state}>
      <header>
        <h3>
          to <code>{job.consumer}</code>
        </h3>
        <StatusPill status={job.state} />
      </header>
      <p className="muted">
        {Object.keys(filter).length ? Object.entries(filter).map(([k, v]) => `${k}=${String(v)}`).join(' · ') : 'every stored event'}
      </p>
      <progress className="job-progress" max={job.limit} value={job.state === 'done' ? job.limit : job.queued} aria-label={`progress of ${job.jobId}`} />
      <p className="job-queued">
        {formatCount(job.queued)} events queued{job.state === 'running' ? ` so far (at most ${formatCount(Number(limit ?? job.limit))})` : ''}
      </p>
      <p className="muted">
        started {formatTime(job.startedAt)}
        {job.finishedAt && ` · ended ${formatTime(job.finishedAt)}`}
      </p>
      {job.error && <p className={job.state === 'failed' ? 'cell-error' : 'muted'}>{job.error}</p>}
      {job.state === 'running' && (
        <div className="inline-form">
          <button type="button" className="btn btn-danger" disabled={cancelling} onClick={() => void cancel()}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
    </li>
  );
}

/** The filter of `POST /events/replay`, sent with `Prefer: respond-async` so it runs as a job. */
function StartReplayForm({ onStarted }: { onStarted: (job: ReplayJob) => void }) {
  const consumers = useAsync((signal) => request<ConsumerInfo[]>('/api/mesh/consumers', { signal }), []);
  const [consumer, setConsumer] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const targets = (consumers.data ?? []).filter((c) => c.replayable);
  const chosen = consumer || targets[0]?.name || '';

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    const limit = text('limit');
    setBusy(true);
    setError(null);
    try {
      const body = {
        consumer: chosen,
        type: text('type'),
        resourceType: text('resourceType'),
        resourceId: text('resourceId'),
        from: localInputToIso(text('from') ?? ''),
        to: localInputToIso(text('to') ?? ''),
        limit: limit === undefined ? undefined : Number(limit),
      };
      onStarted(await appRequest<ReplayJob>('event-store', '/events/replay', { method: 'POST', body, headers: { Prefer: 'respond-async' } }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (consumers.status === 'error') return <ErrorBox error={consumers.error} onRetry={consumers.reload} title="Could not list the consumers" />;
  if (!consumers.data) return <Loading what="consumers" />;
  if (targets.length === 0) return <Empty>No consumer app has registered a replay durable yet (each creates one when it first starts), so there is nothing to replay to.</Empty>;
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-label="Start a replay job">
      <ConsumerSelect targets={targets} chosen={chosen} onChange={setConsumer} />
      <label>
        Type
        <input name="type" placeholder="order.* (empty: every type)" />
      </label>
      <label>
        Resource type
        <input name="resourceType" />
      </label>
      <label>
        Resource id
        <input name="resourceId" />
      </label>
      <label>
        From
        <input name="from" type="datetime-local" />
      </label>
      <label>
        To
        <input name="to" type="datetime-local" />
      </label>
      <label>
        At most
        <input name="limit" type="number" min={1} placeholder="100000" />
      </label>
      <div className="wide inline-form">
        <button type="submit" className="btn btn-primary" disabled={busy || !chosen}>
          {busy ? 'Starting…' : 'Start replay job'}
        </button>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
