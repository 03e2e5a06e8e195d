import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { StrictInt } from '@app/events';

/** `GET /search?index=vendors&q=taco&page=0&hitsPerPage=20`. */
export class SearchQueryDto {
  @IsString()
  @IsNotEmpty({ message: 'index is required, e.g. index=vendors' })
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'index must be an index name such as vendors' })
  index!: string;

  @IsOptional() @IsString() @MaxLength(512) q: string = '';

  @IsOptional() @StrictInt(0, 1000) page: number = 0;

  @IsOptional() @StrictInt(1, 100) hitsPerPage: number = 20;
}
