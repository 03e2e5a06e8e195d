import { useRef, useState } from 'react';

export interface BatchProgress {
  total: number;
  done: number;
  failed: number;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  error?: string;
}

/**
 * Runs a long action as batches (`step` takes one slice of the items and says how many of it
 * failed), with its progress for a bar and a cancel that stops before the next batch. Used for
 * redriving many dead letters: each batch is one request, so a cancel never cuts one in half.
 */
export function useBatchRun<T>(step: (batch: T[]) => Promise<{ failed: number }>, batchSize: number) {
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const cancelled = useRef(false);
  const run = async (items: T[]): Promise<BatchProgress> => {
    cancelled.current = false;
    let p: BatchProgress = { total: items.length, done: 0, failed: 0, state: 'running' };
    setProgress(p);
    for (let i = 0; i < items.length; i += batchSize) {
      if (cancelled.current) {
        p = { ...p, state: 'cancelled' };
        break;
      }
      const batch = items.slice(i, i + batchSize);
      try {
        const { failed } = await step(batch);
        p = { ...p, done: p.done + batch.length, failed: p.failed + failed };
      } catch (err) {
        p = { ...p, state: 'failed', error: (err as Error).message };
        break;
      }
      setProgress(p);
    }
    if (p.state === 'running') p = { ...p, state: 'done' };
    setProgress(p);
    return p;
  };
  return { progress, run, cancel: () => (cancelled.current = true), clear: () => setProgress(null) };
}
