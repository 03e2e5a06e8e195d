import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** `:id` of an event: a UUID, refused by name otherwise. */
export const eventIdPipe = () => new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(['id must be a UUID']) });
