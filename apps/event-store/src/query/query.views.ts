/** The query API's answers, decorator-free: the console's browser code imports them with `import type`. */

/** How `GET /events/stats` can group its counts (`groupBy`). */
export const STATS_GROUPS = ['type', 'level', 'source', 'hour', 'day'] as const;
export type StatsGroup = (typeof STATS_GROUPS)[number];

/**
 * An event as the query API returns it: the CloudEvents envelope as it was published (optional
 * attributes absent rather than null, extensions spread back), plus what the store knows about it.
 */
/** The two languages every sentence is kept in. */
export const LANGS = ['fa', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export interface EventItem {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: string;
  dataschema?: string;
  data: unknown;
  level: string;
  resourcetype?: string;
  resourceid?: string;
  actor?: string;
  audience?: string;
  correlationid?: string;
  causationid?: string;
  [extension: string]: unknown;
  receivedAt: string;
  streamSeq: number | null;
  resolved: boolean;
  resolvedAt: string | null;
  resolvedBy: string | null;
  /** The event's sentences (Persian, English), rendered when it was stored, and its category. */
  message?: string;
  messageEn?: string;
  category?: string;
  /** With `lang`: the sentence in that language and its direction (`rtl` for Persian). */
  sentence?: string;
  lang?: Lang;
  dir?: 'rtl' | 'ltr';
}

export interface EventPage {
  items: EventItem[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
  limit: number;
}

export interface Timeline {
  resourceType: string;
  resourceId: string;
  includeRelated: boolean;
  /** Oldest first; `related` marks events included only through a shared correlation id. */
  items: (EventItem & { related: boolean })[];
  limit: number;
  /** More events than `limit` exist: the timeline stops at the limit-th. */
  truncated: boolean;
}

export interface TypeStats {
  type: string;
  count: number;
  errors: number;
  /** Share of this type's events at level `error`, 0–1. */
  errorRate: number;
  firstSeen: string;
  lastSeen: string;
}

/** One group of a stats answer; `errors`, `levels` and `types` only for split hour/day buckets. */
export interface StatsGroupItem {
  key: string;
  count: number;
  errors?: number;
  levels?: Record<string, number>;
  types?: Record<string, number>;
}

export interface EventStats {
  from: string | null;
  to: string | null;
  groupBy: StatsGroup;
  total: number;
  errors: number;
  /** Share of all events in the window at level `error`, 0–1 (0 when there are none). */
  errorRate: number;
  /**
   * By count (most first) for type, level and source; by time for hour and day (keys are UTC bucket
   * starts, only buckets with events), which with `split=true` also carry their errors and their
   * counts by level and by type.
   */
  groups: StatsGroupItem[];
  types: TypeStats[];
}
