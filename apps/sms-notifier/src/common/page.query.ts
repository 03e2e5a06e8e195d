import { IsOptional } from 'class-validator';
import { MAX_OFFSET, StrictInt } from '@app/events';

/** `?limit=&offset=` of the list routes. */
export class PageQuery {
  @IsOptional() @StrictInt(1, 500) limit?: number;

  @IsOptional() @StrictInt(0, MAX_OFFSET) offset?: number;
}
