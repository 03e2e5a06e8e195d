import { replayBatchQuery } from './replay-filter.js';

describe(replayBatchQuery.name, () => {
  const before = new Date('2025-03-01T00:00:00Z');

  it('orders by (time, id) and passes every value as a parameter', () => {
    const { sql, params } = replayBatchQuery(
      { type: 'order.*', resourceType: 'order', resourceId: "o-1'; DROP TABLE events; --", from: new Date(0), to: before },
      before,
      { time: '2024-01-01T00:00:00.000001Z', id: '00000000-0000-4000-8000-000000000000' },
      1000,
    );
    expect(sql).toMatch(/ FROM events WHERE received_at <= \$1 AND type ~ \$2 AND resource_type = \$3 AND resource_id = \$4 AND time >= \$5 AND time < \$6 AND \(time, id\) > \(\$7::timestamptz, \$8::text\) ORDER BY time, id LIMIT \$9$/);
    expect(sql).not.toContain('DROP');
    expect(params).toEqual([before, '^order\\.[^.]+$', 'order', "o-1'; DROP TABLE events; --", new Date(0), before, '2024-01-01T00:00:00.000001Z', '00000000-0000-4000-8000-000000000000', 1000]);
  });

  it('selects one event by id, in the partition its time names', () => {
    const id = '01900000-0000-7000-8000-000000000001';
    const { sql, params } = replayBatchQuery({ id }, before, undefined, 10);
    expect(sql).toMatch(/WHERE received_at <= \$1 AND id = \$2::text AND time = \(SELECT time FROM event_ids WHERE id = \$2::text\) ORDER BY time, id LIMIT \$3$/);
    expect(params).toEqual([before, id, 10]);
  });

  it('has no cursor condition for the first batch', () => {
    expect(replayBatchQuery({}, before, undefined, 10).sql).toMatch(/WHERE received_at <= \$1 ORDER BY time, id LIMIT \$2$/);
  });
});
