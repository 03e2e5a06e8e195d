import { deferred } from '@app/testing';
import { GroupCommit } from './group-commit.js';

describe(GroupCommit.name, () => {
  it('writes what arrives together in one batch and resolves each caller after the write', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number>(async (items) => void batches.push(items));
    await Promise.all([1, 2, 3].map((n) => commit.add(n)));
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('accumulates while the write slots are busy and bounds the batch', async () => {
    const gate = deferred();
    const batches: number[][] = [];
    const commit = new GroupCommit<number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.promise;
      },
      2,
      1,
    );
    const first = commit.add(0);
    await new Promise((r) => setImmediate(r));
    const rest = [1, 2, 3, 4, 5].map((n) => commit.add(n));
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[0], [1, 2], [3, 4], [5]]);
  });

  it('rejects every caller of a failed batch and carries on with the next', async () => {
    let fail = true;
    const commit = new GroupCommit<number>(async () => {
      if (fail) throw new Error('database away');
    });
    const failed = [commit.add(1), commit.add(2)];
    await expect(Promise.all(failed)).rejects.toThrow('database away');
    await expect(failed[1]).rejects.toThrow('database away');
    fail = false;
    await expect(commit.add(3)).resolves.toBeUndefined();
  });
});
