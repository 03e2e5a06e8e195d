import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export const DEFAULT_RESOLVER = 'admin-api';

/** Body of `PATCH /events/:id/resolve` and `/unresolve` (optional, as is the body itself). */
export class ResolveEventDto {
  /** Who resolves it: stored in `resolvedBy` and the audit event's actor; `admin-api` by default. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  by?: string;
}
