import { normalizePattern } from '@app/events';

/** How a `type` filter becomes SQL: every type, one exact type (index-friendly), or an anchored regex. */
export type TypeMatch = { kind: 'all' } | { kind: 'exact'; type: string } | { kind: 'regex'; regex: string };

const escapeRegex = (token: string): string => token.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/**
 * Translates a NATS-style pattern (validated by `normalizePattern`, which throws on a bad one) for
 * PostgreSQL's `~`: `*` is one token (`[^.]+`), a final `>` one or more (`.+`).
 * @example typeMatch('vendor.*') // { kind: 'regex', regex: '^vendor\\.[^.]+$' }
 */
export function typeMatch(pattern: string): TypeMatch {
  const normalized = normalizePattern(pattern);
  if (normalized === '>') return { kind: 'all' };
  const tokens = normalized.split('.');
  if (!tokens.some((t) => t === '*' || t === '>')) return { kind: 'exact', type: normalized };
  const parts = tokens.map((t) => (t === '*' ? '[^.]+' : t === '>' ? '.+' : escapeRegex(t)));
  return { kind: 'regex', regex: `^${parts.join('\\.')}$` };
}

/** `typeMatch` as a WHERE condition, its value added through `param`; undefined when every type matches. */
export function typeCondition(pattern: string, param: (value: unknown) => string): string | undefined {
  const match = typeMatch(pattern);
  if (match.kind === 'exact') return `type = ${param(match.type)}`;
  if (match.kind === 'regex') return `type ~ ${param(match.regex)}`;
  return undefined;
}
