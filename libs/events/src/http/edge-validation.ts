import { applyDecorators, ArgumentMetadata, HttpStatus, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { edgeError } from './edge-error.js';

/**
 * Largest offset a list route takes: past it a scan costs more than any page is worth.
 * @example class PageQuery { @IsOptional() @StrictInt(0, MAX_OFFSET) offset?: number; }
 */
export const MAX_OFFSET = 1_000_000;

/** Every message of a validation error tree, each prefixed with the path of its field, and the first field's path. */
function flatten(errors: ValidationError[]): { messages: string[]; fields: string[] } {
  const messages: string[] = [];
  const fields: string[] = [];
  const stack: Array<[ValidationError, string]> = errors.map((e) => [e, '']);
  while (stack.length > 0) {
    const [error, parent] = stack.shift()!;
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      messages.push(parent ? `${parent}.${message}` : message);
      fields.push(path);
    }
    for (const child of error.children ?? []) stack.push([child, path]);
  }
  return { messages, fields };
}

/**
 * Nest turns a `number` path or query parameter into a number with `Number()`, which takes `0x10`,
 * ` 5`, `-1` and `1e3`; here only decimal digits become a number, anything else is a 400 naming it.
 */
class EdgeValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.data && metadata.metatype === Number && (metadata.type === 'param' || metadata.type === 'query') && value !== undefined) {
      const n = toStrictInt({ value });
      if (typeof n !== 'number') throw edgeError(HttpStatus.BAD_REQUEST, `${metadata.data} must be a whole number in decimal digits (at most 16)`, metadata.data);
      return n;
    }
    return super.transformPrimitive(value, metadata);
  }
}

/**
 * The mesh's ValidationPipe: unknown fields refused by name, values transformed, and every 400
 * carrying `field` (the first field at fault) beside Nest's list of messages.
 */
export function edgeValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const { messages, fields } = flatten(errors);
      const error = edgeError(HttpStatus.BAD_REQUEST, '', fields[0]);
      const body = error.getResponse() as Record<string, unknown>;
      body.message = messages;
      return error;
    },
  });
}

const DIGITS = /^[0-9]{1,16}$/;

/** A query or path value as a whole number: decimal digits only, so `0x10`, ` 5`, `1e3` and `` stay strings for IsInt to refuse. */
export const toStrictInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && DIGITS.test(value) ? Number(value) : value);

/**
 * A whole number from `min` to `max`, given as decimal digits in a query or as a JSON integer.
 * @example @IsOptional() @StrictInt(0, MAX_OFFSET) offset = 0;
 */
export function StrictInt(min: number, max: number): PropertyDecorator {
  const message = `$property must be a whole number from ${min} to ${max}, in decimal digits`;
  return applyDecorators(Transform(toStrictInt), IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

/**
 * A path parameter as a whole number from `min` to `max` (decimal digits only), else a 400 naming it.
 * @example @Param('seq', new StrictIntPipe(1, Number.MAX_SAFE_INTEGER)) seq: number
 */
@Injectable()
export class StrictIntPipe implements PipeTransform<unknown, number> {
  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {}

  transform(value: unknown, metadata: ArgumentMetadata): number {
    const n = toStrictInt({ value });
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < this.min || n > this.max) {
      const name = metadata.data ?? 'value';
      throw edgeError(HttpStatus.BAD_REQUEST, `${name} must be a whole number from ${this.min} to ${this.max}, in decimal digits`, name);
    }
    return n;
  }
}
