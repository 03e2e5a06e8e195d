import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { StrictInt } from '@app/events';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../delivery/delivery.types.js';

/** Query of `GET /webhooks/deliveries`: newest first, keyset-paginated by `cursor` (the last page's `nextCursor`). */
export class ListDeliveriesQuery {
  @IsOptional() @IsUUID()
  subscriptionId?: string;

  @IsOptional() @IsString() @MaxLength(200)
  eventId?: string;

  @IsOptional() @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;

  @StrictInt(1, 100)
  limit = 50;

  /** The id of the last delivery of the previous page. */
  @IsOptional() @IsUUID(undefined, { message: 'cursor must be the nextCursor of the previous page' })
  cursor?: string;
}
