import { auditDiff } from './audit-diff.js';

describe(auditDiff.name, () => {
  it('lists only the changed fields, nested ones by dotted path, in path order', () => {
    expect(auditDiff({ name: 'a', active: true, filter: { level: 'info', x: 1 }, tags: [1] }, { name: 'a', active: false, filter: { level: 'error', x: 1 }, tags: [1, 2] })).toEqual([
      { field: 'active', before: true, after: false },
      { field: 'filter.level', before: 'info', after: 'error' },
      { field: 'tags', before: [1], after: [1, 2] },
    ]);
  });

  it('shows a create (no before) and a delete (no after) field by field', () => {
    expect(auditDiff(undefined, { id: 'r1', enabled: true })).toEqual([
      { field: 'enabled', before: undefined, after: true },
      { field: 'id', before: undefined, after: 'r1' },
    ]);
    expect(auditDiff({ id: 'r1' }, undefined)).toEqual([{ field: 'id', before: 'r1', after: undefined }]);
  });

  it('is empty when nothing changed, and compares plain values whole', () => {
    expect(auditDiff({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
    expect(auditDiff(undefined, undefined)).toEqual([]);
    expect(auditDiff(1, 2)).toEqual([{ field: '(value)', before: 1, after: 2 }]);
  });
});
