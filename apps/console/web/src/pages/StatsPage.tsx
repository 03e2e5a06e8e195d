import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { appRequest } from '../api.js';
import { Empty, ErrorBox, Loading } from '../components/Status.js';
import { formatCount, formatPercent } from '../format.js';
import { useAsync } from '../hooks.js';
import { queryString } from '../query-string.js';
import { type BucketRow, bucketRows, bucketsFor, type StatsRange, tickInterval, topTypes } from '../stats-buckets.js';
import { type EventStats, LEVELS } from '../types.js';

const LEVEL_COLOURS = { debug: '#94a3b8', info: '#3b82f6', success: '#16a34a', warn: '#f59e0b', error: '#dc2626' };
const TYPE_COLOURS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#94a3b8'];
const Y_WIDTH = 48;
const RANGES: { value: StatsRange; label: string }[] = [
  { value: '6h', label: 'Last 6 hours' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
];

const stats = (from: Date, to: Date, groupBy: string, signal: AbortSignal) =>
  appRequest<EventStats>('event-store', `/events/stats${queryString({ from: from.toISOString(), to: to.toISOString(), groupBy, split: 'true' })}`, { signal });

const bucketLabel = (d: Date, range: StatsRange) =>
  range === '7d' ? d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' }) : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Events per hour (or day) by level and by type, the error rate, and the top types, as charts. */
export function StatsPage() {
  const [range, setRange] = useState<StatsRange>('24h');
  const data = useAsync(
    async (signal) => {
      const buckets = bucketsFor(range);
      // One call: the hour (day) groups carry each bucket's levels and types, and `types` the window's totals.
      const overall = await stats(buckets[0].from, buckets.at(-1)!.to, range === '7d' ? 'day' : 'hour', signal);
      return { overall, rows: bucketRows(buckets, overall, (d) => bucketLabel(d, range)) };
    },
    [range],
  );
  const unit = range === '7d' ? 'day' : 'hour';

  return (
    <section className="page">
      <div className="toolbar">
        <label>
          Window
          <select name="range" value={range} onChange={(e) => setRange(e.target.value as StatsRange)}>
            {RANGES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={data.reload}>
          Refresh
        </button>
      </div>
      {data.status === 'error' && <ErrorBox error={data.error} onRetry={data.reload} title="Could not load the statistics" />}
      {!data.data && data.status === 'loading' && <Loading what="statistics" />}
      {data.data && data.data.overall.total === 0 && <Empty>No events in this window. Pick a longer one, or publish some.</Empty>}
      {data.data && data.data.overall.total > 0 && <Charts overall={data.data.overall} rows={data.data.rows} unit={unit} />}
    </section>
  );
}

function Charts({ overall, rows, unit }: { overall: EventStats; rows: BucketRow[]; unit: string }) {
  const byType = topTypes(rows, 6);
  const byLevel = rows.map((r) => ({ label: r.label, ...r.levels }));
  const sorted = [...overall.types].sort((a, b) => b.count - a.count);
  const top = sorted.slice(0, 10);
  // The same x axis on every time chart: band positions, same labels, same y-axis width.
  const xAxis = <XAxis dataKey="label" fontSize={11} interval={tickInterval(rows.length)} scale="band" />;
  return (
    <>
      <div className="cards">
        <div className="card stat">
          <span className="stat-value">{formatCount(overall.total)}</span>
          <span className="stat-label">events</span>
        </div>
        <div className="card stat">
          <span className="stat-value">{formatCount(overall.errors)}</span>
          <span className="stat-label">errors</span>
        </div>
        <div className="card stat">
          <span className="stat-value">{formatPercent(overall.errorRate)}</span>
          <span className="stat-label">error rate</span>
        </div>
        <div className="card stat">
          <span className="stat-value">{formatCount(overall.types.length)}</span>
          <span className="stat-label">types</span>
        </div>
      </div>
      <div className="charts">
        <figure className="card chart" data-chart="by-level">
          <figcaption>Events per {unit} by level</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={byLevel}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              {xAxis}
              <YAxis allowDecimals={false} fontSize={11} width={Y_WIDTH} />
              <Tooltip />
              <Legend />
              {LEVELS.map((l) => (
                <Bar key={l} dataKey={l} stackId="level" fill={LEVEL_COLOURS[l]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
        <figure className="card chart" data-chart="by-type">
          <figcaption>Events per {unit} by type</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={byType.series}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              {xAxis}
              <YAxis allowDecimals={false} fontSize={11} width={Y_WIDTH} />
              <Tooltip />
              <Legend />
              {byType.keys.map((t, i) => (
                <Bar key={t} dataKey={t} stackId="type" fill={TYPE_COLOURS[i % TYPE_COLOURS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
        <figure className="card chart" data-chart="error-rate">
          <figcaption>Error rate per {unit} (%)</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={rows}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              {xAxis}
              <YAxis unit="%" fontSize={11} width={Y_WIDTH} domain={[0, 'auto']} />
              <Tooltip formatter={(v) => `${String(v)} %`} />
              {/* Hours without events have no rate: a gap, not 0 %. A dot shows a lone point between gaps. */}
              <Line type="linear" dataKey="errorRate" name="error rate" stroke={LEVEL_COLOURS.error} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure className="card chart" data-chart="top-types">
          <figcaption>Top types</figcaption>
          <ResponsiveContainer width="100%" height={Math.max(120, top.length * 28 + 40)}>
            <BarChart data={top} layout="vertical" margin={{ left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} fontSize={11} />
              <YAxis type="category" dataKey="type" width={130} fontSize={11} interval={0} tickFormatter={(t: string) => (t.length > 20 ? `${t.slice(0, 19)}…` : t)} />
              <Tooltip />
              <Bar dataKey="count" name="events" fill="#2563eb" isAnimationActive={false} />
              <Bar dataKey="errors" name="errors" fill={LEVEL_COLOURS.error} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>
      <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>type</th>
            <th className="num">events</th>
            <th className="num">errors</th>
            <th className="num">error rate</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((t) => (
            <tr key={t.type}>
              <td>
                <code>{t.type}</code>
              </td>
              <td className="num">{formatCount(t.count)}</td>
              <td className="num">{formatCount(t.errors)}</td>
              <td className="num">{formatPercent(t.errorRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </>
  );
}
