import Mustache from 'mustache';

/**
 * Logic-less text templates (Mustache) shared by the apps that turn events into words: SMS bodies
 * (sms-notifier) and event sentences (event-store). Partials and delimiter changes are refused.
 */

/**
 * A template body that cannot be used; the message names the problem.
 * @example
 * try { parseTemplate(body); } catch (err) { if (err instanceof TemplateError) throw new BadRequestException(err.message); throw err; }
 */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/**
 * @example
 * const tokens: TemplateToken[] = parseTemplate('SMS sent to {{masked.phone}}');
 */
export type TemplateToken = [string, string, number, number, TemplateToken[]?];

const ALLOWED = new Set(['text', 'name', '&', '#', '^', '!']);

/**
 * Mustache tokens of a body, refusing partials and delimiter changes (a template is one text).
 * @example
 * const tokens = parseTemplate(dto.body); // throws TemplateError on a partial or a delimiter change
 */
export function parseTemplate(body: string): TemplateToken[] {
  let tokens: TemplateToken[];
  try {
    tokens = Mustache.parse(body) as TemplateToken[];
  } catch (err) {
    throw new TemplateError(`the template does not parse: ${(err as Error).message}`);
  }
  const walk = (list: TemplateToken[]) => {
    for (const t of list) {
      if (!ALLOWED.has(t[0])) throw new TemplateError(`"{{${t[0]}${t[1]}}}" is not allowed: use {{name}} placeholders and {{#section}}…{{/section}} only`);
      if (t[4]) walk(t[4]);
    }
  };
  walk(tokens);
  return tokens;
}

/** Mustache's own lookup: the first name on the innermost context that has it, then the rest. */
function lookup(stack: unknown[], name: string): unknown {
  if (name === '.') return stack[0];
  const [head, ...rest] = name.split('.');
  for (const ctx of stack) {
    if (ctx !== null && typeof ctx === 'object' && head in ctx) {
      let v: unknown = (ctx as Record<string, unknown>)[head];
      for (const step of rest) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[step] : undefined;
      return v;
    }
  }
  return undefined;
}

/**
 * The placeholders of a template that `data` gives no value for (undefined or null), in order.
 * Used at save time against a sample and at render time against the event.
 * @example
 * const missing = missingPlaceholders(parseTemplate(dto.body), dto.sampleData); // ['data.vendor.name']
 */
export function missingPlaceholders(tokens: TemplateToken[], data: unknown): string[] {
  const missing: string[] = [];
  const walk = (list: TemplateToken[], stack: unknown[]) => {
    for (const [type, name, , , children] of list) {
      if (type === 'text' || type === '!') continue;
      const value = lookup(stack, name);
      if (value === undefined || (value === null && type !== '#' && type !== '^')) {
        if (!missing.includes(name)) missing.push(name);
        continue;
      }
      if (!children) continue;
      // A section over a list is checked against its first item; an empty list hides it.
      const inner = type === '#' && Array.isArray(value) ? value[0] : type === '#' && typeof value === 'object' ? value : undefined;
      walk(children, inner === undefined ? stack : [inner, ...stack]);
    }
  };
  walk(tokens, [data]);
  return missing;
}

/**
 * Renders as plain text (SMS, a sentence in JSON): nothing is HTML-escaped.
 * @example
 * renderTemplate('Vendor {{data.name}} created', event); // 'Vendor Acme created'
 */
export const renderTemplate = (body: string, data: unknown): string => Mustache.render(body, data, {}, { escape: (v: unknown) => String(v) });

