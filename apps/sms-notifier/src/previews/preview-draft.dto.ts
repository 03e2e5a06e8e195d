import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LOCALE, LOCALE_MESSAGE } from '../templates/dto/template.params.js';

/** Body of `POST /sms/templates/preview`: a text being written, before it is saved. */
export class PreviewDraftDto {
  /** The Mustache text, as `PUT /sms/templates/:key/:locale` would take it. */
  @IsString() @IsNotEmpty() @MaxLength(1600) body!: string;

  /** Chooses the email's direction (`fa` is right to left). */
  @Matches(LOCALE, { message: LOCALE_MESSAGE }) locale!: string;

  /** Event data to render with (the template's sampleData while editing). */
  @IsOptional() @IsObject({ message: '$property must be an object, e.g. {"orderId": 1042}' }) data?: Record<string, unknown>;
}
