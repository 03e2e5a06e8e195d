import type { PipeTransform } from '@nestjs/common';
import { edgeError } from '@app/events';
import { MAX_EVENT_ID_LENGTH } from '../store/event-id.js';

export const EVENT_ID_MESSAGE = `id must be a CloudEvents id: 1 to ${MAX_EVENT_ID_LENGTH} characters`;

/** `:id` of an event: any non-empty CloudEvents id up to 256 characters (UUID, NUID, ULID, `order-42`). */
export const eventIdPipe = (): PipeTransform<string, string> => ({
  transform(value: string): string {
    if (typeof value !== 'string' || value.length === 0 || [...value].length > MAX_EVENT_ID_LENGTH) {
      throw edgeError(400, [EVENT_ID_MESSAGE], 'id');
    }
    return value;
  },
});
