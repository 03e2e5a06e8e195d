import { Transform } from 'class-transformer';
import { IsEmail, IsNumber, IsOptional, IsPhoneNumber, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';
import { HTTP_URL, PHONE_MESSAGE, toE164 } from './vendor-transforms.js';

/**
 * The optional fields of a vendor, validated the same on create and update: absent leaves them,
 * null clears them. `name` and `open` differ between the two bodies and are declared there.
 */
export abstract class VendorDetailsDto {
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
}
