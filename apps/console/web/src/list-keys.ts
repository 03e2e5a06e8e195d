import type { KeyboardEvent } from 'react';

const NEXT = new Set(['ArrowDown', 'j']);
const PREVIOUS = new Set(['ArrowUp', 'k']);

/**
 * Keyboard walk of a list: ↓/j and ↑/k move the focus between its rows (the elements marked
 * `data-row`), Home and End to the first and last; Enter then acts on the focused row as a click
 * would. Put it on the list element as `onKeyDown`. Keys typed into a field are left alone.
 */
export function listKeys(e: KeyboardEvent<HTMLElement>): void {
  const target = e.target as HTMLElement;
  if (target.closest('input, textarea, select') || e.altKey || e.ctrlKey || e.metaKey) return;
  const rows = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-row]')];
  if (rows.length === 0) return;
  const at = rows.findIndex((r) => r === target || r.contains(target));
  let next: number;
  if (NEXT.has(e.key)) next = at < 0 ? 0 : Math.min(rows.length - 1, at + 1);
  else if (PREVIOUS.has(e.key)) next = at < 0 ? 0 : Math.max(0, at - 1);
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = rows.length - 1;
  else return;
  e.preventDefault();
  rows[next].focus();
  rows[next].scrollIntoView({ block: 'nearest' });
}
