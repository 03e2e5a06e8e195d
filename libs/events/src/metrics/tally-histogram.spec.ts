import { Histogram, Registry } from 'prom-client';
import { TallyHistogram } from './tally-histogram.js';
import { MetricsService } from './metrics.service.js';

const BUCKETS = [0.01, 0.1, 1];
const VALUES = [0.005, 0.01, 0.05, 0.5, 2, 0.2];

describe(TallyHistogram.name, () => {
  it("exposes the same text as prom-client's Histogram fed the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const tally = new TallyHistogram('h_seconds', 'Handler latency', BUCKETS, ours).tally({ consumer: 'c', type: 'a.b' });
    const reference = new Histogram({ name: 'h_seconds', help: 'Handler latency', labelNames: ['consumer', 'type'], buckets: BUCKETS, registers: [theirs] });
    for (const v of VALUES) {
      tally.observe(v);
      reference.observe({ consumer: 'c', type: 'a.b' }, v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('h_seconds_bucket{le="0.1",consumer="c",type="a.b"} 3');
  });

  it('hands out one tally per label set and zeroes it in place on reset', async () => {
    const registry = new Registry();
    const h = new TallyHistogram('h_seconds', 'help', BUCKETS, registry);
    const t = h.tally({ consumer: 'c', type: 'x.y' });
    expect(h.tally({ consumer: 'c', type: 'x.y' })).toBe(t);
    expect(await registry.metrics()).not.toContain('x.y'); // not observed yet: not exposed
    t.observe(0.5);
    registry.resetMetrics();
    expect(t.count).toBe(0);
    expect(await registry.metrics()).not.toContain('x.y');
    t.observe(0.05);
    expect(await registry.metrics()).toContain('h_seconds_count{consumer="c",type="x.y"} 1');
  });
});

describe('MetricsService consumed counts', () => {
  it('adds the plain per-event count to mesh_events_consumed_total when scraped, once', async () => {
    const metrics = new MetricsService();
    const count = metrics.consumedCount({ consumer: 'c', type: 'a.b' });
    expect(metrics.consumedCount({ consumer: 'c', type: 'a.b' })).toBe(count);
    count.n += 3;
    expect(await metrics.registry.metrics()).toContain('mesh_events_consumed_total{consumer="c",type="a.b"} 3');
    count.n++;
    expect(await metrics.registry.metrics()).toContain('mesh_events_consumed_total{consumer="c",type="a.b"} 4');
    expect(count.n).toBe(0);
  });
});
