import { parseTemplate, type TemplateToken } from '@app/events';

/** Gives the value of a top-level name (`data`, `type`, `masked`…) of the thing being rendered. */
export type RootLookup = (name: string) => unknown;

/** A parsed template that renders straight from its tokens: the writer renders every event it stores. */
export type CompiledTemplate = (root: RootLookup) => string;

/** A token made ready once: each name split into its path here, not at every render. */
type Step =
  | { kind: 'text'; text: string }
  | { kind: 'value'; path: string[] | null }
  | { kind: 'section' | 'inverted'; path: string[] | null; children: Step[] };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

/** `null` stands for `.`, the current item. */
const pathOf = (name: string): string[] | null => (name === '.' ? null : name.split('.'));

function compileTokens(tokens: TemplateToken[]): Step[] {
  const steps: Step[] = [];
  for (const [type, text, , , children] of tokens) {
    if (type === 'text') steps.push({ kind: 'text', text });
    else if (type === 'name' || type === '&') steps.push({ kind: 'value', path: pathOf(text) });
    else if (type === '#' || type === '^') steps.push({ kind: type === '#' ? 'section' : 'inverted', path: pathOf(text), children: compileTokens(children ?? []) });
  }
  return steps;
}

/** Mustache's lookup (the first context holding the name's first part, then its path), with the root last. */
function lookup(stack: unknown[], root: RootLookup, path: string[] | null): unknown {
  if (path === null) return stack.length > 0 ? stack[stack.length - 1] : undefined;
  let value: unknown;
  let found = false;
  for (let i = stack.length - 1; i >= 0 && !found; i--) {
    const ctx = stack[i];
    if (isObject(ctx) && path[0] in ctx) {
      value = ctx[path[0]];
      found = true;
    }
  }
  if (!found) value = root(path[0]);
  for (let i = 1; i < path.length; i++) value = isObject(value) ? value[path[i]] : undefined;
  return value;
}

function renderSteps(steps: Step[], stack: unknown[], root: RootLookup): string {
  let out = '';
  for (const step of steps) {
    if (step.kind === 'text') {
      out += step.text;
      continue;
    }
    const v = lookup(stack, root, step.path);
    if (step.kind === 'value') {
      if (v !== undefined && v !== null) out += String(v);
      continue;
    }
    const empty = !v || (Array.isArray(v) && v.length === 0);
    if (step.kind === 'inverted') {
      if (empty) out += renderSteps(step.children, stack, root);
    } else if (!empty) {
      for (const item of Array.isArray(v) ? v : [v]) out += renderSteps(step.children, [...stack, item], root);
    }
  }
  return out;
}

/**
 * Parses once (refusing partials and delimiter changes, as every template of the mesh) and renders
 * as plain text, nothing HTML-escaped: the same output as `renderTemplate`, without building a
 * view object or a Mustache context per call, and with each placeholder's path split at compile time.
 * @example compileTemplate('Hi {{data.name}}')((n) => (n === 'data' ? { name: 'Ana' } : undefined)) // 'Hi Ana'
 */
export function compileTemplate(text: string): CompiledTemplate {
  const steps = compileTokens(parseTemplate(text));
  return (root) => renderSteps(steps, [], root);
}
