import { IsNotEmpty, IsString, Matches } from 'class-validator';

/** `POST /search/reindex?index=vendors`. */
export class ReindexQueryDto {
  @IsString()
  @IsNotEmpty({ message: 'index is required, e.g. ?index=vendors' })
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'index must be an index name such as vendors' })
  index!: string;
}
