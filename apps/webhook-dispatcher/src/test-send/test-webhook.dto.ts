import { IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';

/** Body of `POST /webhooks/test`: a `url` or a `subscriptionId` (exactly one). */
export class TestWebhookDto {
  @ValidateIf((dto: TestWebhookDto) => dto.subscriptionId === undefined || dto.url !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(2048)
  url?: string;

  @ValidateIf((dto: TestWebhookDto) => dto.url === undefined || dto.subscriptionId !== undefined)
  @IsUUID(undefined, { message: 'subscriptionId must be a UUID (or send a url instead)' })
  subscriptionId?: string;

  /** The test event's type; `webhook.test` by default. */
  @IsOptional() @Matches(/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/, { message: 'eventType must be lowercase "resource.action" tokens, e.g. webhook.test' })
  eventType?: string;

  /**
   * The test event's data; absent, a sample of the newest JSON Schema registered for `eventType`
   * (checked against it), or `{ "test": true }` when none is.
   */
  @IsOptional() @IsObject()
  data?: Record<string, unknown>;

  /** The secret to sign with when testing a bare url (`whsec_…`); a one-off secret is generated otherwise. */
  @IsOptional() @Matches(/^whsec_[A-Za-z0-9+/=]{16,}$/, { message: 'secret must be a whsec_ secret (base64 after the prefix)' })
  secret?: string;
}
