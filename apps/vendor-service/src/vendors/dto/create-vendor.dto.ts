import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { VendorDetailsDto } from './vendor-details.dto.js';
import { trim } from './vendor-transforms.js';

/** Body of `POST /vendors`. Optional fields may be omitted or null. */
export class CreateVendorDto extends VendorDetailsDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsBoolean()
  open?: boolean;
}
