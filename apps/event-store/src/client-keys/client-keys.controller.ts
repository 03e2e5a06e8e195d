import { Body, ConflictException, Controller, Delete, Get, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, AuditTrail, UuidPipe } from '@app/events';
import { newClientKey, type ClientKeyView } from './client-key.js';
import { ClientKeyNameTaken, ClientKeysRepository } from './client-keys.repository.js';
import { CreateClientKeyDto } from './create-client-key.dto.js';

const TARGET = 'client-key';

/**
 * Admin API of the public client keys: `POST /events/client-keys` answers the key once (only its
 * digest is kept), `GET` lists them, `DELETE /events/client-keys/:id` revokes one at once on every
 * replica. Creation and revocation are audited.
 */
@Controller('events/client-keys')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class ClientKeysController {
  constructor(
    private readonly keys: ClientKeysRepository,
    private readonly audit: AuditTrail,
  ) {}

  @Post()
  async create(@Body() body: CreateClientKeyDto): Promise<ClientKeyView & { key: string }> {
    const key = newClientKey();
    let created: ClientKeyView;
    try {
      created = await this.keys.create({ name: body.name, key, origins: body.origins, types: body.types });
    } catch (err) {
      if (err instanceof ClientKeyNameTaken) throw new ConflictException(`name: a live client key is already named "${body.name}"; revoke it first or choose another name`);
      throw err;
    }
    // The key is public (it sits in web pages) but still kept out of the audit trail: the prefix tells keys apart.
    await this.audit.record({ action: 'client_key_created', target: { type: TARGET, id: created.id }, after: created });
    return { ...created, key };
  }

  @Get()
  async list(): Promise<{ items: ClientKeyView[] }> {
    return { items: await this.keys.list() };
  }

  @Delete(':id')
  async revoke(@Param('id', UuidPipe) id: string): Promise<ClientKeyView> {
    const change = await this.keys.revoke(id);
    if (!change) {
      const existing = await this.keys.get(id);
      throw new NotFoundException(existing ? `Client key ${id} is already revoked` : `No client key ${id}`);
    }
    await this.audit.record({ action: 'client_key_revoked', target: { type: TARGET, id }, before: change.before, after: change.after });
    return change.after;
  }
}
