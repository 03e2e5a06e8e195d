import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { toBoolean } from './query-transforms.js';
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

  /**
   * With `groupBy=hour|day`: each bucket also carries its errors and its counts by level and by type,
   * so one call draws a window's charts. It reads buckets × types × levels rows: for bounded windows.
   */
  @Transform(toBoolean)
  @IsBoolean()
  split: boolean = false;
}
