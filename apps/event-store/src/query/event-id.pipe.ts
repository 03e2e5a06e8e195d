import { ParseUUIDPipe } from '@nestjs/common';
import { edgeError } from '@app/events';

/** `:id` of an event: a UUID, refused by name otherwise. */
export const eventIdPipe = () => new ParseUUIDPipe({ exceptionFactory: () => edgeError(400, ['id must be a UUID'], 'id') });
