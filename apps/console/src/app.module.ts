import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions } from '@app/events';
import { CONSOLE_CONFIG, type ConsoleConfig, consoleConfigFromEnv } from './config/console-env.js';
import { SessionModule } from './session/session.module.js';
import { LiveModule } from './live/live.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { MeshHealthModule } from './mesh-health/mesh-health.module.js';
import { DeadLettersModule } from './dead-letters/dead-letters.module.js';
import { WebController } from './web/web.controller.js';

export const SERVICE_NAME = 'console';

export interface ConsoleAppConfig {
  /** Overrides of the shared (validated) environment, e.g. a test's own nats-server and database. */
  events?: EventsModuleOptions['config'];
  /** Overrides of MESH_APP_URLS / CONSOLE_WEB_DIR. */
  console?: Partial<ConsoleConfig>;
}

@Global()
@Module({})
class ConsoleConfigModule {
  static forRoot(overrides: Partial<ConsoleConfig> = {}): DynamicModule {
    return {
      module: ConsoleConfigModule,
      providers: [{ provide: CONSOLE_CONFIG, useFactory: (): ConsoleConfig => ({ ...consoleConfigFromEnv(), ...overrides }) }],
      exports: [CONSOLE_CONFIG],
    };
  }
}

/**
 * The operations console: the single-page app, a live tail of the bus (server-sent events), the
 * mesh's health at a glance, the dead letters (redrive, purge), and a proxy to the other apps' APIs so the page talks to one origin.
 * Consumes no durable; it publishes only the `audit.*` events of its admin actions.
 */
@Module({})
export class AppModule {
  static forRoot(config: ConsoleAppConfig = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConsoleConfigModule.forRoot(config.console),
        EventsModule.forProducer({ service: SERVICE_NAME, config: config.events }),
        EventsHealthModule,
        SessionModule,
        LiveModule,
        MeshHealthModule,
        DeadLettersModule,
        ProxyModule,
      ],
      controllers: [WebController],
    };
  }
}
