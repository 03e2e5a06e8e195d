import { Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, AuditExempt, EVENTS_CONFIG, type EventsConfig } from '@app/events';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config/console-env.js';
import type { SessionInfo } from '../console.views.js';
export type { SessionInfo } from '../console.views.js';

/** What the page needs before it asks for the admin key, and the check of the key it was given. */
@Controller('api/session')
export class SessionController {
  constructor(
    @Inject(EVENTS_CONFIG) private readonly events: EventsConfig,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  @Get()
  info(): SessionInfo {
    return { adminKeyConfigured: !!this.events.adminApiKey, apps: this.config.apps.map((a) => a.name) };
  }

  /** 204 for the right `X-Api-Key`; 401 without one, 403 for a wrong one (the guard's messages). */
  @Post()
  @HttpCode(204)
  @UseGuards(ApiKeyGuard)
  @ApiKey('admin')
  @AuditExempt('checks the key the page was given; changes nothing')
  check(): void {}
}
