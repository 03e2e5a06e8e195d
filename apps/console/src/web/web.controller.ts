import { Controller, Get, Header, HttpCode, Inject } from '@nestjs/common';
import { resolve } from 'node:path';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config/console-env.js';

/** Answers `/` only when the page is not built (the built page is served as static files before this). */
@Controller()
export class WebController {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  @Get()
  @HttpCode(503)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  notBuilt(): string {
    return `The console's page is not built: no index.html in ${resolve(this.config.webDir)}.\nRun npm run build (it builds apps/console/web there), or point CONSOLE_WEB_DIR at a build.\n`;
  }
}
