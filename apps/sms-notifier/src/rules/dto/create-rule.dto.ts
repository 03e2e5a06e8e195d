import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { DATA_PATH as PATH, DATA_PATH_MESSAGE as PATH_MESSAGE } from '../json-path.js';
import { RULE_CHANNELS, type RuleChannel } from '../sms-rule.entity.js';
import { QUIET_HOURS, QUIET_HOURS_MESSAGE } from '../../quiet/quiet-hours.js';
import { IsTimeZone } from '../../quiet/is-time-zone.decorator.js';
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

  /** Path of the user id (`user.42` → the directory's number or address), instead of phonePath / emailPath. */
  @IsOptional() @Matches(PATH, { message: PATH_MESSAGE.replace('"phone", "customer.phone"', '"userId", "customer.id"') }) @MaxLength(200) userPath?: string | null;

  /** Path of the number (`sms` rules without userPath). */
  @ValidateIf((o: CreateRuleDto) => ((o.channel ?? 'sms') === 'sms' && !o.userPath) || o.phonePath !== undefined)
  @Matches(PATH, { message: `${PATH_MESSAGE} (required when channel is sms and there is no userPath)` })
  @MaxLength(200)
  phonePath?: string;

  /** Path of the address (`email` rules). */
  @ValidateIf((o: CreateRuleDto) => (o.channel === 'email' && !o.userPath) || o.emailPath !== undefined)
  @Matches(PATH, { message: `${PATH_MESSAGE.replace('"phone", "customer.phone"', '"email", "customer.email"')} (required when channel is email and there is no userPath)` })
  @MaxLength(200)
  emailPath?: string;

  @Matches(KEY, { message: KEY_MESSAGE }) templateKey!: string;

  @IsOptional() @Matches(PATH, { message: PATH_MESSAGE }) @MaxLength(200) localePath?: string | null;

  @Matches(LOCALE, { message: LOCALE_MESSAGE }) defaultLocale!: string;

  @IsOptional() @IsBoolean() enabled?: boolean;

  /** `22:00-08:00` in the recipient's time zone: messages inside are held until it ends. */
  @IsOptional() @Matches(QUIET_HOURS, { message: QUIET_HOURS_MESSAGE }) quietHours?: string | null;

  /** Zone of the quiet hours when the recipient's is unknown (IANA); UTC when unset. */
  @IsOptional() @IsTimeZone() timeZone?: string | null;

  /** Sends inside quiet hours too. */
  @IsOptional() @IsBoolean() urgent?: boolean;
}
