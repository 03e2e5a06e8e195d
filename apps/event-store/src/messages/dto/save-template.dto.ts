import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AUDIENCES, CATEGORY_RULE, KNOWN_CATEGORIES } from '@app/events';

/** Body of `PUT /events/templates/:type/:audience`. */
export class SaveTemplateDto {
  /** The Persian sentence (Mustache: `{{data.name}}`, `{{masked.phone}}`, `{{actor}}`…). */
  @IsString() @IsNotEmpty() @MaxLength(1000) fa!: string;
  /** The English sentence. */
  @IsString() @IsNotEmpty() @MaxLength(1000) en!: string;
  /** One capitalised word; `Info` when absent. */
  @IsOptional()
  @Matches(CATEGORY_RULE, { message: `category must be one capitalised word of letters and digits, e.g. ${KNOWN_CATEGORIES.slice(0, 4).join(', ')}` })
  category?: string;
  /**
   * The data of an example event, to check the placeholders against. Without it they are checked
   * against the type's registered JSON Schema, else its latest stored event.
   */
  @IsOptional() @IsObject() sample?: Record<string, unknown>;
  /** Who saves it (the audit event's actor); `admin-api` by default. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) by?: string;
}

/** Path parameters of the template routes: an event type or a pattern ending in `.*`, and one audience. */
export class TemplateParams {
  @Matches(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.[a-z0-9_-]+|\.\*)$/, { message: 'type must be an event type (order.created) or a pattern ending in .* (audit.*)' })
  type!: string;

  @IsIn(AUDIENCES, { message: `audience must be one of ${AUDIENCES.join(', ')}` }) audience!: string;
}

/** Body of `POST /events/templates/rerender` (optional). */
export class RerenderDto {
  /** An event type or pattern (`sms.*`); every stored event when absent. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(300) type?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) by?: string;
}
