import { IsObject, IsOptional, Matches } from 'class-validator';
import { LOCALE, LOCALE_MESSAGE } from './template.params.js';

/** Body of `POST /sms/templates/:key/preview`; without `data`, each text's sampleData is used. */
export class PreviewTemplateDto {
  @IsOptional() @Matches(LOCALE, { message: LOCALE_MESSAGE }) locale?: string;

  /** Event data to render with, as a rule would pass it. */
  @IsOptional() @IsObject() data?: Record<string, unknown>;
}
