import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CONSUMER_NAME, CONSUMER_NAME_RULE } from '@app/events';
import { MAX_EVENT_ID_LENGTH } from '../store/event-id.js';
import { IsAfter, IsIsoTime, IsTypePattern } from './replay-validators.js';

export const REPLAY_MAX_EVENTS = 100_000;

/** Body of `POST /events/replay`: which stored events to re-deliver, to which one consumer app. */
export class ReplayRequestDto {
  /** The consumer app's durable name (`search-sync`); its `<consumer>-replay` durable gets the events. */
  @IsString()
  @MaxLength(100)
  @Matches(CONSUMER_NAME, { message: `consumer must be ${CONSUMER_NAME_RULE}` })
  consumer!: string;

  /** One stored event by its CloudEvents id (with the other fields, all must match). */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(MAX_EVENT_ID_LENGTH)
  id?: string;

  /** An event type or a NATS-style pattern. */
  @IsOptional() @IsString() @IsTypePattern()
  type?: string;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  resourceType?: string;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  resourceId?: string;

  /** Inclusive, on the event's `time`. */
  @IsOptional() @IsIsoTime()
  from?: string;

  /** Exclusive, on the event's `time`. */
  @IsOptional() @IsIsoTime() @IsAfter('from')
  to?: string;

  /** At most this many events, the oldest first; 100000 when absent. */
  @IsOptional() @IsInt() @Min(1) @Max(REPLAY_MAX_EVENTS)
  limit?: number;
}
