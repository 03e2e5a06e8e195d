import { parseTemplate, type TemplateToken } from '@app/events';

/** Gives the value of a top-level name (`data`, `type`, `masked`…) of the thing being rendered. */
export type RootLookup = (name: string) => unknown;

/** A parsed template that renders straight from its tokens: the writer renders every event it stores. */
export type CompiledTemplate = (root: RootLookup) => string;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

/** Mustache's lookup (the first context holding the name's first part, then its path), with the root last. */
function lookup(stack: unknown[], root: RootLookup, name: string): unknown {
  if (name === '.') return stack.length > 0 ? stack[stack.length - 1] : undefined;
  const parts = name.split('.');
  let value: unknown;
  let found = false;
  for (let i = stack.length - 1; i >= 0 && !found; i--) {
    const ctx = stack[i];
    if (isObject(ctx) && parts[0] in ctx) {
      value = ctx[parts[0]];
      found = true;
    }
  }
  if (!found) value = root(parts[0]);
  for (let i = 1; i < parts.length; i++) value = isObject(value) ? value[parts[i]] : undefined;
  return value;
}

function renderTokens(tokens: TemplateToken[], stack: unknown[], root: RootLookup): string {
  let out = '';
  for (const [type, text, , , children] of tokens) {
    if (type === 'text') out += text;
    else if (type === 'name' || type === '&') {
      const v = lookup(stack, root, text);
      if (v !== undefined && v !== null) out += String(v);
    } else if (type === '#' || type === '^') {
      const v = lookup(stack, root, text);
      const empty = !v || (Array.isArray(v) && v.length === 0);
      if (type === '^') {
        if (empty) out += renderTokens(children ?? [], stack, root);
      } else if (!empty) {
        for (const item of Array.isArray(v) ? v : [v]) out += renderTokens(children ?? [], [...stack, item], root);
      }
    }
  }
  return out;
}

/**
 * Parses once (refusing partials and delimiter changes, as every template of the mesh) and renders
 * as plain text, nothing HTML-escaped: the same output as `renderTemplate`, without building a
 * view object or a Mustache context per call.
 * @example compileTemplate('Hi {{data.name}}')((n) => (n === 'data' ? { name: 'Ana' } : undefined)) // 'Hi Ana'
 */
export function compileTemplate(text: string): CompiledTemplate {
  const tokens = parseTemplate(text);
  return (root) => renderTokens(tokens, [], root);
}
