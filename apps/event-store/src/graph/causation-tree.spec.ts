import { buildCausationTree, type TraceRow } from './causation-tree.js';

const row = (id: string, time: string, causation: string | null): TraceRow => ({
  id,
  type: `t.${id}`,
  source: 's',
  time_utc: time,
  level: 'info',
  actor: null,
  correlation_id: 'c',
  causation_id: causation,
});

describe(buildCausationTree.name, () => {
  const root = row('a', '2026-01-01T00:00:00.000000Z', null);

  it('nests each event under the one that caused it, children by time, with offsets from the root and the parent', () => {
    const trace = buildCausationTree(
      root,
      [row('c', '2026-01-01T00:00:00.250000Z', 'a'), row('b', '2026-01-01T00:00:00.100000Z', 'a'), row('d', '2026-01-01T00:00:01.000500Z', 'b')],
      false,
    );
    expect(trace).toMatchObject({ count: 4, depth: 2, durationMs: 1000.5, truncated: false });
    expect(trace.root.children.map((n) => n.id)).toEqual(['b', 'c']);
    expect(trace.root.children[0].children[0]).toMatchObject({ id: 'd', offsetMs: 1000.5, sinceParentMs: 900.5, children: [] });
    expect(trace.root).toMatchObject({ offsetMs: 0, sinceParentMs: 0 });
  });

  it('places an event once even when the links form a cycle, and drops rows whose parent is not in the tree', () => {
    const trace = buildCausationTree(root, [row('b', '2026-01-01T00:00:01Z', 'a'), row('a', '2026-01-01T00:00:02Z', 'b'), row('x', '2026-01-01T00:00:03Z', 'nowhere')], true);
    expect(trace).toMatchObject({ count: 2, depth: 1, truncated: true });
    expect(trace.root.children[0]).toMatchObject({ id: 'b', children: [] });
  });
});
