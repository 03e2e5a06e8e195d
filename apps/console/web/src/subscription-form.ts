import type { Subscription } from './types.js';

/** The subscription form's fields as typed (text), so a half-typed JSON box is not lost on re-render. */
export interface SubscriptionDraft {
  name: string;
  url: string;
  eventTypes: string;
  filter: string;
  active: boolean;
  timeoutMs: string;
  maxAttempts: string;
  rateLimitPerSecond: string;
  headers: string;
  description: string;
}

export const EMPTY_DRAFT: SubscriptionDraft = {
  name: '',
  url: '',
  eventTypes: '',
  filter: '',
  active: true,
  timeoutMs: '',
  maxAttempts: '',
  rateLimitPerSecond: '',
  headers: '',
  description: '',
};

export function draftOf(s: Subscription): SubscriptionDraft {
  return {
    name: s.name,
    url: s.url,
    eventTypes: s.eventTypes.join(', '),
    filter: s.filter ? JSON.stringify(s.filter, null, 2) : '',
    active: s.active,
    timeoutMs: String(s.timeoutMs),
    maxAttempts: String(s.maxAttempts),
    rateLimitPerSecond: s.rateLimitPerSecond === null ? '' : String(s.rateLimitPerSecond),
    headers: Object.keys(s.headers).length ? JSON.stringify(s.headers, null, 2) : '',
    description: s.description ?? '',
  };
}

function json(field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${field} is not valid JSON: ${(err as Error).message}`);
  }
}

function int(field: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`${field} must be a whole number`);
  return n;
}

/**
 * The request body for the draft: for a new subscription every set field; for an edit only the
 * fields that differ from `before` (with null to clear a cleared optional). Throws naming a field
 * that cannot be sent.
 */
export function bodyOf(d: SubscriptionDraft, before?: SubscriptionDraft): Record<string, unknown> {
  const all: Record<string, unknown> = {
    name: d.name.trim(),
    url: d.url.trim(),
    eventTypes: d.eventTypes.split(/[\s,]+/).filter(Boolean),
    filter: d.filter.trim() ? json('filter', d.filter) : null,
    active: d.active,
    timeoutMs: d.timeoutMs.trim() ? int('timeoutMs', d.timeoutMs) : undefined,
    maxAttempts: d.maxAttempts.trim() ? int('maxAttempts', d.maxAttempts) : undefined,
    rateLimitPerSecond: d.rateLimitPerSecond.trim() ? int('rateLimitPerSecond', d.rateLimitPerSecond) : null,
    headers: d.headers.trim() ? json('headers', d.headers) : {},
    description: d.description.trim() || null,
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (value === undefined) continue;
    if (!before) {
      // A new subscription: leave out what is empty, the dispatcher's defaults apply.
      if (value === null || (key === 'headers' && Object.keys(value as object).length === 0)) continue;
      out[key] = value;
    } else if (d[key as keyof SubscriptionDraft] !== before[key as keyof SubscriptionDraft]) {
      out[key] = value;
    }
  }
  return out;
}
