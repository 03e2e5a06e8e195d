import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { DATA_PATH as PATH, DATA_PATH_MESSAGE as PATH_MESSAGE } from '../json-path.js';
import { RULE_CHANNELS, type RuleChannel } from '../sms-rule.entity.js';
import { KEY, KEY_MESSAGE, LOCALE, LOCALE_MESSAGE } from '../../templates/dto/template.params.js';


/** Body of `POST /sms/rules`. */
export class CreateRuleDto {
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;

  /** `order.status_changed`, `payment.*`, `order.>`; never `sms.*` (this app's own events). */
  @IsString() @IsNotEmpty() @MaxLength(200) eventPattern!: string;

  /** `newStatus == "Started"`; comparisons with == / != joined by &&. */
  @IsOptional() @IsString() @MaxLength(1000) condition?: string | null;

  /** `sms` (the default) or `email`. */
  @IsOptional() @IsIn(RULE_CHANNELS, { message: `$property must be one of ${RULE_CHANNELS.join(', ')}` }) channel?: RuleChannel;

  /** Path of the number (`sms` rules). */
  @ValidateIf((o: CreateRuleDto) => (o.channel ?? 'sms') === 'sms' || o.phonePath !== undefined)
  @Matches(PATH, { message: `${PATH_MESSAGE} (required when channel is sms)` })
  @MaxLength(200)
  phonePath?: string;

  /** Path of the address (`email` rules). */
  @ValidateIf((o: CreateRuleDto) => o.channel === 'email' || o.emailPath !== undefined)
  @Matches(PATH, { message: `${PATH_MESSAGE.replace('"phone", "customer.phone"', '"email", "customer.email"')} (required when channel is email)` })
  @MaxLength(200)
  emailPath?: string;

  @Matches(KEY, { message: KEY_MESSAGE }) templateKey!: string;

  @IsOptional() @Matches(PATH, { message: PATH_MESSAGE }) @MaxLength(200) localePath?: string | null;

  @Matches(LOCALE, { message: LOCALE_MESSAGE }) defaultLocale!: string;

  @IsOptional() @IsBoolean() enabled?: boolean;
}
