import { IsIn, IsOptional } from 'class-validator';
import { IsIsoTime, IsNotBefore } from './query-validators.js';
import { STATS_GROUPS, type StatsGroup } from '../query.views.js';


/** Query of `GET /events/stats`: the half-open window `from` ≤ time < `to` (either end open when absent). */
export class StatsQuery {
  @IsOptional()
  @IsIsoTime()
  from?: string;

  @IsOptional()
  @IsIsoTime()
  @IsNotBefore('from')
  to?: string;

  /** hour and day buckets are in UTC. */
  @IsIn(STATS_GROUPS)
  groupBy: StatsGroup = 'type';
}
