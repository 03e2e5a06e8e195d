import { BadRequestException } from '@nestjs/common';

/**
 * `X-Audit-Actor` on an admin write: whom the call is made for, when a tool such as the MCP server
 * acts for its client. Undefined when absent (the audit event's actor is then the admin key's);
 * a 400 naming the header when it is not 1–200 printable ASCII characters.
 * @example
 * create(@Body() body: CreateDto, @Headers('x-audit-actor') actor?: string) { return this.service.create(body, auditActorHeader(actor)); }
 */
export function auditActorHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e][\x20-\x7e]{0,199}$/.test(header)) throw new BadRequestException('X-Audit-Actor must be 1 to 200 printable ASCII characters, e.g. mcp:claude-desktop');
  return header;
}
