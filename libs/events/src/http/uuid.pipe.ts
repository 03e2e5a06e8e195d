import { ArgumentMetadata, HttpStatus, Injectable, ParseUUIDPipe } from '@nestjs/common';
import { edgeError } from './edge-error.js';

/**
 * ParseUUIDPipe whose 400 names the parameter (`id must be a UUID`) in the edge's shape.
 * @example @Get(':id') get(@Param('id', UuidPipe) id: string) {}
 */
@Injectable()
export class UuidPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    const name = metadata.data ?? 'id';
    if (typeof value !== 'string' || value.length > 36) throw edgeError(HttpStatus.BAD_REQUEST, `${name} must be a UUID, e.g. 0190b7f0-0000-7000-8000-000000000001`, name);
    try {
      await super.transform(value, metadata);
    } catch {
      throw edgeError(HttpStatus.BAD_REQUEST, `${name} must be a UUID, e.g. 0190b7f0-0000-7000-8000-000000000001`, name);
    }
    return value;
  }
}
