/**
 * Marks one item of a batch as refused, in the writer's per-item results: its caller is rejected
 * with `error`, the batch's other items still succeed.
 *
 * @example
 * const write = async (ops: Op[]) => ops.map((op) => (op.valid ? 'ok' : new ItemFailure(new Error('invalid'))));
 */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

/**
 * One item's result: its value, or why it was refused.
 *
 * @example
 * const results: ItemResult<number>[] = [1, new ItemFailure(new Error('bad')), 3];
 */
export type ItemResult<R> = R | ItemFailure;

/**
 * Thrown to callers who add an item after `drain()` began: nothing new is taken once shutting down.
 *
 * @example
 * await commit.drain();
 * await commit.add(x); // rejects with GroupCommitClosedError
 */
export class GroupCommitClosedError extends Error {
  constructor(name: string) {
    super(`GroupCommit ${name} is draining for shutdown and takes no new items`);
    this.name = 'GroupCommitClosedError';
  }
}
