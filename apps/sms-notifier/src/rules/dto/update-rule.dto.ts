import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DATA_PATH as PATH, DATA_PATH_MESSAGE as PATH_MESSAGE } from '../json-path.js';
import { RULE_CHANNELS, type RuleChannel } from '../sms-rule.entity.js';
import { QUIET_HOURS, QUIET_HOURS_MESSAGE } from '../../quiet/quiet-hours.js';
import { IsTimeZone } from '../../quiet/is-time-zone.decorator.js';
import { KEY, KEY_MESSAGE, LOCALE, LOCALE_MESSAGE } from '../../templates/dto/template.params.js';


/** Body of `PATCH /sms/rules/:id`: any of the fields of a rule; `null` clears condition or localePath. */
export class UpdateRuleDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) eventPattern?: string;
  @IsOptional() @IsString() @MaxLength(1000) condition?: string | null;
  @IsOptional() @IsIn(RULE_CHANNELS, { message: `$property must be one of ${RULE_CHANNELS.join(', ')}` }) channel?: RuleChannel;
  @IsOptional() @Matches(PATH, { message: PATH_MESSAGE }) @MaxLength(200) phonePath?: string;
  @IsOptional() @Matches(PATH, { message: PATH_MESSAGE }) @MaxLength(200) emailPath?: string;
  @IsOptional() @Matches(KEY, { message: KEY_MESSAGE }) templateKey?: string;
  @IsOptional() @Matches(PATH, { message: PATH_MESSAGE }) @MaxLength(200) localePath?: string | null;
  @IsOptional() @Matches(LOCALE, { message: LOCALE_MESSAGE }) defaultLocale?: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @Matches(PATH, { message: PATH_MESSAGE }) @MaxLength(200) userPath?: string | null;
  @IsOptional() @Matches(QUIET_HOURS, { message: QUIET_HOURS_MESSAGE }) quietHours?: string | null;
  @IsOptional() @IsTimeZone() timeZone?: string | null;
  @IsOptional() @IsBoolean() urgent?: boolean;
}
