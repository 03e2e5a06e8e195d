import { MAX_OFFSET, StrictInt } from '@app/events';

/** Query of `GET /vendors`: newest first, `limit` (1–100, default 50) from `offset` (default 0). */
export class ListVendorsQuery {
  @StrictInt(1, 100)
  limit = 50;

  @StrictInt(0, MAX_OFFSET)
  offset = 0;
}
