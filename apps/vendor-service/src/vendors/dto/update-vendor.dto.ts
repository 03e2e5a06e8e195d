import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsNotEmpty, IsNumber, IsOptional, IsPhoneNumber, IsString, IsUrl, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { VENDOR_FIELDS } from '../vendor-data.js';
import { HTTP_URL, PHONE_MESSAGE, toE164, trim } from './vendor-transforms.js';

/** Absent is "leave it"; null is refused (name and open are required columns). */
const ifPresent = ValidateIf((_dto: object, value: unknown) => value !== undefined);

/**
 * Body of `PATCH /vendors/:id`: the fields to change, at least one. A null clears an optional
 * field; name and open cannot be cleared.
 */
export class UpdateVendorDto {
  @ifPresent
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @IsOptional()
  @Transform(toE164)
  @IsPhoneNumber(undefined, { message: PHONE_MESSAGE })
  phone?: string | null;

  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @IsOptional()
  @IsUrl(HTTP_URL)
  @MaxLength(2048)
  website?: string | null;

  @ifPresent
  @IsBoolean()
  open?: boolean;

  @IsOptional()
  @IsUrl(HTTP_URL)
  @MaxLength(2048)
  primaryImage?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat?: number | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  long?: number | null;

  /** The message of a PATCH with nothing to change, or undefined when the body names a field. */
  static emptyBodyMessage(dto: UpdateVendorDto): string | undefined {
    return VENDOR_FIELDS.some((f) => dto[f] !== undefined) ? undefined : `the body must set at least one of: ${VENDOR_FIELDS.join(', ')}`;
  }
}
