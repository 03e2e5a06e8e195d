import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { RegisterSchemaDto } from './dto/register-schema.dto.js';
import { SchemaRegistration, SchemasService } from './schemas.service.js';

/** Admin: registers custom event types' JSON Schemas (`GET /events/schemas` lists them with the catalogue). */
@Controller('events/schemas')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class SchemasController {
  constructor(private readonly schemas: SchemasService) {}

  @Post()
  register(@Body() body: RegisterSchemaDto): Promise<SchemaRegistration> {
    return this.schemas.register(body);
  }
}
