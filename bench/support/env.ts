/** A whole-number setting from the environment; unset or empty gives `fallback`. */
export const envInt = (name: string, fallback: number, min = 0): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer of at least ${min}, got ${JSON.stringify(raw)}`);
  return n;
};

/** A comma list of names out of `all` from the environment; unset gives all of them. */
export const envList = <T extends string>(name: string, all: readonly T[]): T[] => {
  const raw = process.env[name];
  if (!raw) return [...all];
  const picked = raw.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = picked.filter((p) => !(all as readonly string[]).includes(p));
  if (bad.length) throw new Error(`${name}: unknown ${bad.join(', ')}; use ${all.join(',')}`);
  return picked as T[];
};
