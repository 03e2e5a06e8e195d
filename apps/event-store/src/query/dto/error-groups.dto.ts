import { IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of `POST /events/errors/groups/resolve`: one group of unresolved errors, as `GET /events/errors/groups` names it. */
export class ResolveErrorGroupDto {
  @IsString()
  @IsNotEmpty({ message: 'type is required: the event type of the group, e.g. order.payment.failed' })
  @MaxLength(200)
  type!: string;

  /** The group's message ('' for errors without one). */
  @IsString({ message: 'message must be a string: the group\'s message as listed ("" when it has none)' })
  @MaxLength(200)
  message!: string;

  /** Only errors up to this time (the last one the operator saw), so one that arrives meanwhile stays open. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z' })
  until?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  by?: string;
}
