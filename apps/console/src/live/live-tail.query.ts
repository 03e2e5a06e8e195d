import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsEventPattern } from '../common/is-event-pattern.js';

/** Query of `GET /api/live`: which events to tail. */
export class LiveTailQuery {
  @IsOptional() @IsString() @MaxLength(200) @IsEventPattern()
  pattern: string = '>';
}
