import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsNotEmpty, IsNumber, IsOptional, IsPhoneNumber, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';
import { HTTP_URL, PHONE_MESSAGE, toE164, trim } from './vendor-transforms.js';

/** Body of `POST /vendors`. Optional fields may be omitted or null. */
export class CreateVendorDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

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
}
