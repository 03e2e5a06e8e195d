import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DATA_PATH as PATH, DATA_PATH_MESSAGE as PATH_MESSAGE } from '../json-path.js';
import { KEY, KEY_MESSAGE, LOCALE, LOCALE_MESSAGE } from '../../templates/dto/template.params.js';


/** Body of `POST /sms/rules`. */
export class CreateRuleDto {
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;

  /** `order.status_changed`, `payment.*`, `order.>`; never `sms.*` (this app's own events). */
  @IsString() @IsNotEmpty() @MaxLength(200) eventPattern!: string;

  /** `newStatus == "Started"`; comparisons with == / != joined by &&. */
  @IsOptional() @IsString() @MaxLength(1000) condition?: string | null;

  @Matches(PATH, { message: PATH_MESSAGE }) @MaxLength(200) phonePath!: string;

  @Matches(KEY, { message: KEY_MESSAGE }) templateKey!: string;

  @IsOptional() @Matches(PATH, { message: PATH_MESSAGE }) @MaxLength(200) localePath?: string | null;

  @Matches(LOCALE, { message: LOCALE_MESSAGE }) defaultLocale!: string;

  @IsOptional() @IsBoolean() enabled?: boolean;
}
