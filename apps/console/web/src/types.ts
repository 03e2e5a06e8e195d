/** The shapes the apps answer with (event-store query API, console API). */

export type Level = 'debug' | 'info' | 'warn' | 'error';
export const LEVELS: Level[] = ['debug', 'info', 'warn', 'error'];

export interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  data: unknown;
  level?: Level;
  resourcetype?: string;
  resourceid?: string;
  actor?: string;
  audience?: string;
  correlationid?: string;
  causationid?: string;
  [extension: string]: unknown;
}

export interface EventItem extends CloudEvent {
  receivedAt: string;
  streamSeq: number | null;
  resolved: boolean;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export interface EventPage {
  items: EventItem[];
  nextCursor: string | null;
  limit: number;
}

export interface Timeline {
  resourceType: string;
  resourceId: string;
  items: (EventItem & { related: boolean })[];
  truncated: boolean;
}

export interface TypeStats {
  type: string;
  count: number;
  errors: number;
  errorRate: number;
  firstSeen: string;
  lastSeen: string;
}

export interface EventStats {
  from: string | null;
  to: string | null;
  groupBy: string;
  total: number;
  errors: number;
  errorRate: number;
  /** hour and day groups also carry their errors and counts by level and by type. */
  groups: { key: string; count: number; errors?: number; levels?: Record<string, number>; types?: Record<string, number> }[];
  types: TypeStats[];
}

export interface SessionInfo {
  adminKeyConfigured: boolean;
  apps: string[];
}

export interface AppHealth {
  name: string;
  url: string;
  status: 'up' | 'down' | 'unreachable';
  httpStatus: number | null;
  health: HealthBody | null;
  error: string | null;
  latencyMs: number;
}

export interface HealthBody {
  status?: string;
  service?: string;
  failedEventsCount?: number | null;
  details?: Record<string, Record<string, unknown> & { status?: string; message?: string }>;
}

export interface MeshHealth {
  checkedAt: string;
  apps: AppHealth[];
}

export interface ConsumerInfo {
  name: string;
  numPending: number;
  numAckPending: number;
  redelivered: number;
  replayable: boolean;
}

export interface DeadLetter {
  seq: number;
  subject: string;
  consumer: string;
  type: string;
  reason: string;
  error: string;
  originalSubject: string;
  originalSeq?: number;
  deliveries?: number;
  time: string;
  headers: Record<string, string>;
  body: string;
  envelope?: CloudEvent;
}

export interface DeadLetterList {
  depth: Record<string, number>;
  total: number;
  items: DeadLetter[];
}

export interface RedriveReport {
  redriven: { dlqSeq: number; consumer: string; type: string; replaySeq: number }[];
  failed: { dlqSeq: number; error: string }[];
}

export interface Subscription {
  id: string;
  name: string;
  url: string;
  eventTypes: string[];
  filter: unknown;
  active: boolean;
  timeoutMs: number;
  maxAttempts: number;
  rateLimitPerSecond: number | null;
  headers: Record<string, string>;
  description: string | null;
  consecutiveFailures: number;
  disabledReason: string | null;
  disabledAt: string | null;
  previousSecretExpiresAt: string | null;
  /** Deliveries not settled yet, paused ones included (only `GET /webhooks/subscriptions/:id` sets it). */
  waitingDeliveries?: number;
  createdAt: string;
  updatedAt: string;
}

export type SubscriptionWithSecret = Subscription & { secret: string };

export interface AttemptView {
  attempt: number;
  url: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  startedAt: string;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attemptLog: AttemptView[];
}

export interface TestWebhookResult {
  url: string;
  delivered: boolean;
  event: CloudEvent;
  request: { headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: string | null } | null;
  durationMs: number;
  error: string | null;
  secret?: string;
}

export interface MeshStatus {
  streams: { name: string; messages: number; bytes: number; firstSeq: number; lastSeq: number; lastTime?: string; consumers: number }[];
  missingStreams: string[];
  durables: { stream: string; name: string; filterSubject?: string; pending: number; ackPending: number; redelivered: number; waiting: number; lastActive?: string }[];
  deadLetters: Record<string, number>;
}

/** A replay running in the event-store's background (`GET /events/replay/:jobId`). */
export interface ReplayJob {
  jobId: string;
  consumer: string;
  filter: Record<string, unknown>;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  queued: number;
  limit: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface ReplayJobList {
  items: ReplayJob[];
}
