/** One field an admin action changed: its path and the values before and after (undefined: absent). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields that differ between an audit event's `before` and `after`, nested objects flattened to
 * dotted paths (arrays compared whole), in path order. A create has no `before`: every field is new.
 * @example auditDiff({ active: true, name: 'a' }, { active: false, name: 'a' }) // [{ field: 'active', before: true, after: false }]
 */
export function auditDiff(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (!isRecord(before) || !isRecord(after)) {
    if (JSON.stringify(before) === JSON.stringify(after)) return [];
    if (prefix === '' && (isRecord(before) || isRecord(after))) return auditDiff(isRecord(before) ? before : {}, isRecord(after) ? after : {});
    return [{ field: prefix || '(value)', before, after }];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => {
    const path = prefix ? `${prefix}.${k}` : k;
    const [b, a] = [before[k], after[k]];
    if (isRecord(b) && isRecord(a)) return auditDiff(b, a, path);
    return JSON.stringify(b) === JSON.stringify(a) ? [] : [{ field: path, before: b, after: a }];
  });
}
