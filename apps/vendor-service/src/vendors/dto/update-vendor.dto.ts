import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { VENDOR_FIELDS } from '../vendor-data.js';
import { VendorDetailsDto } from './vendor-details.dto.js';
import { trim } from './vendor-transforms.js';

/** Absent is "leave it"; null is refused (name and open are required columns). */
const ifPresent = ValidateIf((_dto: object, value: unknown) => value !== undefined);

/**
 * Body of `PATCH /vendors/:id`: the fields to change, at least one. A null clears an optional
 * field; name and open cannot be cleared.
 */
export class UpdateVendorDto extends VendorDetailsDto {
  @ifPresent
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ifPresent
  @IsBoolean()
  open?: boolean;

  /** The message of a PATCH with nothing to change, or undefined when the body names a field. */
  static emptyBodyMessage(dto: UpdateVendorDto): string | undefined {
    return VENDOR_FIELDS.some((f) => dto[f] !== undefined) ? undefined : `the body must set at least one of: ${VENDOR_FIELDS.join(', ')}`;
  }
}
