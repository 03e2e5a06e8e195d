type TransformArgs = { value: unknown };

/** `a&a=b` arrives as an array and `a=x,y` as one string: both become a list of trimmed items. */
export const toList = ({ value }: TransformArgs): unknown => {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim());
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.flatMap((v: string) => v.split(',').map((s) => s.trim()));
  return value;
};

/** `true` / `false` only; anything else is left for `@IsBoolean` to refuse by name. */
export const toBoolean = ({ value }: TransformArgs): unknown => (value === 'true' ? true : value === 'false' ? false : value);

/** Decimal digits, lowered to `max` when above it (clamped, not refused); anything else (`0x10`, ` 5`, ``) is left for `@IsInt`. */
export const toClampedInt =
  (max: number) =>
  ({ value }: TransformArgs): unknown => {
    if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) return value;
    return Math.min(Number(value), max);
  };
