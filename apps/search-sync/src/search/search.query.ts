import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** `GET /search?index=vendors&q=taco&page=0&hitsPerPage=20`. */
export class SearchQueryDto {
  @IsString()
  @IsNotEmpty({ message: 'index is required, e.g. index=vendors' })
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'index must be an index name such as vendors' })
  index!: string;

  @IsOptional() @IsString() @MaxLength(512) q: string = '';

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1000) page: number = 0;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) hitsPerPage: number = 20;
}
