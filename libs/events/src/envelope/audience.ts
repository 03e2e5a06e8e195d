/**
 * Who an event is written for (the Strapi design's audience): one or more of these, `all` for everyone.
 * @example
 * if (!AUDIENCES.includes(value as Audience)) throw new BadRequestException(`audience must be one of ${AUDIENCES.join(', ')}`);
 */
export const AUDIENCES = ['user', 'admin', 'superadmin', 'all'] as const;
/**
 * One member of {@link AUDIENCES}.
 * @example
 * const audience: Audience = 'admin';
 */
export type Audience = (typeof AUDIENCES)[number];

/**
 * A category names the kind of event (`Notification`, `Error`, `Info`, `Audit`…): open-ended, one capitalised word.
 * @example
 * if (!CATEGORY_RULE.test(category)) throw new BadRequestException('category must be one capitalised word, e.g. Notification');
 */
export const CATEGORY_RULE = /^[A-Z][A-Za-z0-9]{0,39}$/;
/**
 * The categories the mesh's own events use; others are welcome when they match {@link CATEGORY_RULE}.
 * @example
 * const category = KNOWN_CATEGORIES.includes(value as never) ? value : 'Info';
 */
export const KNOWN_CATEGORIES = ['Notification', 'Error', 'Info', 'Audit', 'Security', 'Billing', 'Order', 'Vendor', 'Search', 'System'] as const;

/**
 * Longest `usermessage` extension: one sentence for an end user.
 * @example
 * class Dto { @MaxLength(USER_MESSAGE_MAX) userMessage?: string }
 */
export const USER_MESSAGE_MAX = 500;

const isAudience = (v: string): v is Audience => (AUDIENCES as readonly string[]).includes(v);

/**
 * The problem with an `audience` value, or undefined when it is valid: a comma-separated list (or
 * an array) of {@link AUDIENCES}, at least one.
 * @example
 * const problem = audienceProblem(body.audience); if (problem) throw new BadRequestException(problem);
 */
export function audienceProblem(value: unknown): string | undefined {
  const parts = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  const allowed = `use one or more of ${AUDIENCES.join(', ')}, comma-separated`;
  if (!parts || parts.length === 0) return `audience must be a string: ${allowed}`;
  const bad = parts.filter((p) => typeof p !== 'string' || !isAudience(p.trim()));
  return bad.length === 0 ? undefined : `audience "${bad.join(',')}" is not allowed: ${allowed}`;
}

/**
 * The envelope form of an audience: its members trimmed, without repeats, comma-joined in the
 * order given (`['user', 'admin']` → `user,admin`). Throws naming the allowed values.
 * @example normalizeAudience('admin, user') // 'admin,user'
 */
export function normalizeAudience(value: string | readonly string[]): string {
  const problem = audienceProblem(value);
  if (problem) throw new Error(`Invalid ${problem}`);
  const parts = (typeof value === 'string' ? value.split(',') : value).map((p) => p.trim());
  return [...new Set(parts)].join(',');
}

/**
 * The members of a stored or received audience; unknown members are left out.
 * @example
 * const forUsers = audiencesOf(row.audience).some((a) => a === 'user' || a === 'all');
 */
export const audiencesOf = (value: string | null | undefined): Audience[] =>
  value ? value.split(',').map((p) => p.trim()).filter(isAudience) : [];

/**
 * The problem with a `category` value, or undefined when it is valid.
 * @example
 * const problem = categoryProblem(body.category); if (problem) throw new BadRequestException(problem);
 */
export function categoryProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && CATEGORY_RULE.test(value)) return undefined;
  return `category must be one capitalised word of letters and digits (up to 40), e.g. ${KNOWN_CATEGORIES.slice(0, 4).join(', ')}`;
}
