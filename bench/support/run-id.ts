import { randomBytes } from 'node:crypto';

/**
 * A short lowercase id naming everything a bench creates on a shared server (event types,
 * durables), so two benches, or a bench and a live mesh, never read or delete each other's data.
 */
export const runId = (): string => randomBytes(4).toString('hex');
