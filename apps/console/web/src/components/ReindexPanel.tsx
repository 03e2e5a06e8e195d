import { type FormEvent, useState } from 'react';
import { appRequest } from '../api.js';
import { formatCount, formatTime } from '../format.js';
import { useAsync, useInterval } from '../hooks.js';
import { ProgressBar } from './ProgressBar.js';
import { StatusPill } from './LevelBadge.js';
import { ErrorBox, Notice } from './Status.js';

/** `GET /search/reindex/:id` as search-sync answers it. */
interface ReindexJob {
  id: string;
  index: string;
  status: 'running' | 'swapping' | 'done' | 'failed';
  eventsRead: number;
  operationsApplied: number;
  recordsRejected: number;
  caughtUp: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

const JOB_KEY = 'mesh-console.reindexJob';

/**
 * search-sync's full rebuild of an index (`POST /search/reindex?index=`), then its progress every
 * second. search-sync has no cancel for it, so there is no Cancel button; the job survives a reload
 * of the page (its id is kept in the tab).
 */
export function ReindexPanel() {
  const [index, setIndex] = useState('vendors');
  const [jobId, setJobId] = useState<string | null>(() => sessionStorage.getItem(JOB_KEY));
  const [error, setError] = useState<string | null>(null);
  const job = useAsync((signal) => (jobId ? appRequest<ReindexJob>('search-sync', `/search/reindex/${jobId}`, { signal }) : Promise.resolve(null)), [jobId]);
  const running = job.data?.status === 'running' || job.data?.status === 'swapping';
  useInterval(job.reload, running ? 1_000 : null);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const started = await appRequest<ReindexJob>('search-sync', `/search/reindex?index=${encodeURIComponent(index.trim())}`, { method: 'POST' });
      sessionStorage.setItem(JOB_KEY, started.id);
      setJobId(started.id);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <>
      <h2 className="section-title">Search reindex</h2>
      <form className="inline-form" onSubmit={(e) => void start(e)} aria-label="Start a reindex">
        <label>
          Index
          <input name="reindexIndex" value={index} onChange={(e) => setIndex(e.target.value)} required />
        </label>
        <button type="submit" className="btn" disabled={running || index.trim() === ''}>
          Rebuild from history
        </button>
      </form>
      {error && <Notice kind="error" onClose={() => setError(null)}>Could not start the reindex: {error}</Notice>}
      {job.status === 'error' && <ErrorBox error={job.error} onRetry={job.reload} title="Could not read the reindex" />}
      {job.data && (
        <ProgressBar
          label={`Reindex of ${job.data.index}`}
          done={job.data.eventsRead}
          total={job.data.status === 'done' ? job.data.eventsRead : null}
          running={running}
          detail={
            <>
              <StatusPill status={job.data.status} /> {formatCount(job.data.operationsApplied)} applied · {formatCount(job.data.recordsRejected)} rejected · started {formatTime(job.data.startedAt)}
              {job.data.error ? ` · ${job.data.error}` : ''}
            </>
          }
        />
      )}
    </>
  );
}
