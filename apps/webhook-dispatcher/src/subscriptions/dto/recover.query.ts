import { IsISO8601 } from 'class-validator';

/** Query of `POST /webhooks/subscriptions/:id/recover?since=`. */
export class RecoverQuery {
  /** Failed deliveries last attempted at or after this time are sent again. */
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 time such as 2025-01-31T12:00:00Z' })
  since!: string;
}
