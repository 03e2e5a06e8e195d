/**
 * class-transformer `@Transform`s for environment variables, which always arrive as text.
 * @example
 * @IsOptional() @Transform(toInt) @IsInt() @Min(1) SEARCH_BATCH_SIZE = 1000;
 */
export const toInt = ({ value }: { value: unknown }): unknown => (value === undefined || value === '' ? undefined : Number(value));

/**
 * `1/true/yes/on` and `0/false/no/off` (any case) as booleans; anything else stays as given, for the error to show.
 * @example
 * @IsOptional() @Transform(toBool) @IsBoolean() ENABLE_EVENT_LOGGING = true;
 */
export const toBool = ({ value }: { value: unknown }): unknown => {
  if (value === undefined) return undefined;
  const text = String(value).toLowerCase();
  return ['1', 'true', 'yes', 'on'].includes(text) ? true : ['0', 'false', 'no', 'off'].includes(text) ? false : value;
};
