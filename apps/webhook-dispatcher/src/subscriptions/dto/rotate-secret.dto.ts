import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Body of `POST /webhooks/subscriptions/:id/rotate-secret` (optional). */
export class RotateSecretDto {
  /** How long the old secret still signs, in ms (0 ends it now); WEBHOOK_SECRET_GRACE by default. */
  @IsOptional() @IsInt() @Min(0) @Max(7 * 86_400_000)
  gracePeriodMs?: number;
}
