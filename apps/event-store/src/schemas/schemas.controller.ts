import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, AuditExempt } from '@app/events';
import { RegisterSchemaDto } from './dto/register-schema.dto.js';
import { SchemaCheck, SchemaRegistration, SchemasService } from './schemas.service.js';

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

  /** The same body and refusals as registering, nothing stored: 200 with the changes and a sample event (the console's schema editor). */
  @Post('check')
  @HttpCode(200)
  @AuditExempt('checks a schema and answers a sample event; stores nothing')
  check(@Body() body: RegisterSchemaDto): Promise<SchemaCheck> {
    return this.schemas.check(body);
  }
}
