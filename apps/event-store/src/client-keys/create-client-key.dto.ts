import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength, type ValidationArguments } from 'class-validator';
import { normalizePattern, validationRule as rule } from '@app/events';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const MAX_ENTRIES = 50;

/** An origin as browsers send it: scheme, host and port only, no path or trailing slash. */
export function originProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string like https://shop.example.com';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an origin; write it as the browser sends it, e.g. https://shop.example.com`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}" must start with https:// or http://`;
  if (url.origin !== value) return `"${value}" is not an origin as browsers send it: use "${url.origin}" (no path, no trailing slash)`;
  return undefined;
}

function listProblem(value: unknown, each: (v: unknown) => string | undefined): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return ' must be a non-empty array';
  if (value.length > MAX_ENTRIES) return ` has ${value.length} entries; at most ${MAX_ENTRIES} are allowed`;
  for (const [i, v] of value.entries()) {
    const problem = each(v);
    if (problem) return `[${i}] ${problem}`;
  }
  return undefined;
}

function patternProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be an event type or pattern, e.g. "web.*" or "web.>"';
  try {
    normalizePattern(value);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A list rule whose message names the entry at fault and says why. */
const listRule = (name: string, each: (v: unknown) => string | undefined) =>
  rule(name, (v) => listProblem(v, each) === undefined, '')({ message: (args: ValidationArguments) => `${args.property}${listProblem(args.value, each) ?? ''}` });

/** Body of `POST /events/client-keys`. */
export class CreateClientKeyDto {
  /** Shown as the `clientkey` of every event sent with the key. */
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  @Matches(/^[a-z0-9][a-z0-9_-]*$/, { message: '$property must be lowercase letters, digits, "-" and "_", e.g. "shop-web"' })
  name!: string;

  /** Origins whose pages may send events with the key (CORS answers only these). */
  @listRule('isOriginList', originProblem)
  origins!: string[];

  /** Event types or patterns (`web.*`, `web.>`) the key may send. */
  @listRule('isTypePatternList', patternProblem)
  types!: string[];
}
