import { IsOptional } from 'class-validator';
import { StrictInt } from '@app/events';

/** Query of `GET /events/rate`: the last `minutes` whole minutes and the current one. */
export class RateQuery {
  @IsOptional()
  @StrictInt(1, 360)
  minutes: number = 60;
}
