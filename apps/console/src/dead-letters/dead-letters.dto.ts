import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { CONSUMER_NAME, CONSUMER_NAME_RULE, StrictInt } from '@app/events';
import { IsEventPattern } from '../common/is-event-pattern.js';

const CONSUMER_MESSAGE = `consumer must be ${CONSUMER_NAME_RULE}`;

/** Which dead letters: one consumer app's, of a type or pattern; both optional. */
export class DeadLetterFilterDto {
  @IsOptional() @IsString() @MaxLength(100) @Matches(CONSUMER_NAME, { message: CONSUMER_MESSAGE })
  consumer?: string;

  @IsOptional() @IsString() @MaxLength(200) @IsEventPattern()
  type?: string;
}

/** Query of `GET /api/dead-letters`. */
export class ListDeadLettersQuery extends DeadLetterFilterDto {
  @IsOptional() @StrictInt(1, 500)
  limit: number = 50;
}

/** Body of `POST /api/dead-letters/redrive`: the letters by sequence, or (`all: true`) every letter matching the filter. */
export class RedriveDto extends DeadLetterFilterDto {
  @ValidateIf((o: RedriveDto) => o.all !== true)
  @IsArray({ message: 'seqs must be a list of DLQ sequences, e.g. [12, 13]; or send "all": true with a consumer' })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(Number.MAX_SAFE_INTEGER, { each: true })
  seqs?: number[];

  @IsOptional() @IsBoolean()
  all?: boolean;
}
