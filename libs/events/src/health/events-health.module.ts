import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { NatsHealthIndicator } from './indicators/nats.health.js';
import { JetStreamHealthIndicator } from './indicators/jetstream.health.js';
import { EVENTS_HEALTH_CONTRIBUTORS, type EventsHealthContributor } from './events-health-contributor.js';

/**
 * What an app adds to `GET /health/events`: its own indicators and the modules they need.
 * @example
 * EventsHealthModule.forRoot({ imports: [SmsGatewayModule], contributors: [SmsGatewayHealthIndicator] })
 */
export interface EventsHealthModuleOptions {
  /** Modules that provide what the contributors inject (the app's search index, SMS gateway, ...). */
  imports?: ModuleMetadata['imports'];
  /** The app's own indicators, added to `GET /health/events` after the shared ones. */
  contributors?: Type<EventsHealthContributor>[];
}

/**
 * `GET /health`, `GET /health/events` and `GET /metrics`, the same in every app. Import it as is,
 * or with `forRoot({ imports, contributors })` to add the app's own indicators.
 * @example
 * EventsHealthModule.forRoot({ imports: [SearchIndexModule], contributors: [SearchProviderHealthIndicator] })
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [NatsHealthIndicator, JetStreamHealthIndicator],
})
export class EventsHealthModule {
  static forRoot(options: EventsHealthModuleOptions = {}): DynamicModule {
    const contributors = options.contributors ?? [];
    const list: Provider = {
      provide: EVENTS_HEALTH_CONTRIBUTORS,
      inject: contributors,
      useFactory: (...found: EventsHealthContributor[]) => found,
    };
    return { module: EventsHealthModule, imports: options.imports ?? [], providers: [...contributors, list] };
  }
}
