import Mustache from 'mustache';
import { SegmentedMessage } from 'sms-segments-calculator';

/** A template body that cannot be used; the message names the problem. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

type Token = [string, string, number, number, Token[]?];

const ALLOWED = new Set(['text', 'name', '&', '#', '^', '!']);

/** Mustache tokens of a body, refusing partials and delimiter changes (a template is one text). */
export function parseTemplate(body: string): Token[] {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(body) as Token[];
  } catch (err) {
    throw new TemplateError(`the template does not parse: ${(err as Error).message}`);
  }
  const walk = (list: Token[]) => {
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
 * Used at save time against the template's sample and at send time against the event.
 */
export function missingPlaceholders(tokens: Token[], data: unknown): string[] {
  const missing: string[] = [];
  const walk = (list: Token[], stack: unknown[]) => {
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

/** Renders as plain text: SMS is not HTML, so nothing is escaped. */
export const renderTemplate = (body: string, data: unknown): string => Mustache.render(body, data, {}, { escape: (v: unknown) => String(v) });

export interface SmsEncodingInfo {
  /** GSM-7 when every character is in the GSM 03.38 alphabet; UCS-2 otherwise (Persian, emoji). */
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** Characters as the network counts them (GSM-7 extension characters count twice). */
  characters: number;
  /** Characters per segment at this encoding and length: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perSegment: number;
}

/** Encoding and segment count as a handset network bills the text (via Twilio's segment calculator). */
export function smsEncoding(text: string): SmsEncodingInfo {
  const m = new SegmentedMessage(text, 'auto');
  const single = m.encodingName === 'GSM-7' ? 160 : 70;
  const multi = m.encodingName === 'GSM-7' ? 153 : 67;
  return {
    encoding: m.encodingName,
    segments: m.segmentsCount,
    characters: m.numberOfCharacters,
    perSegment: m.segmentsCount > 1 ? multi : single,
  };
}
