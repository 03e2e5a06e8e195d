import { IsIn, IsOptional } from 'class-validator';
import { LANGS, type Lang } from '../../messages/message-template.js';

/** Query of `GET /events/:id`: the sentence's language. */
export class LangQuery {
  @IsOptional()
  @IsIn(LANGS, { message: `lang must be one of ${LANGS.join(', ')}` })
  lang?: Lang;
}
