import { IsString, MaxLength } from 'class-validator';

export class PhoneParams {
  /** Any way of writing the number; normalised to E.164. */
  @IsString() @MaxLength(64) phone!: string;
}
