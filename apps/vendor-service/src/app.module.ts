import { DynamicModule, Module } from '@nestjs/common';
import { EventsHealthModule, EventsModule, EventsModuleOptions, ServerLoggingModule } from '@app/events';
import { Vendor } from './vendors/vendor.entity.js';
import { CreateVendors1733000000000 } from './vendors/migrations/1733000000000-create-vendors.js';
import { VendorsModule } from './vendors/vendors.module.js';

export const SERVICE_NAME = 'vendor-service';

/** Overrides of the (validated) environment, e.g. a test's own nats-server and database. */
export type VendorServiceConfig = EventsModuleOptions['config'];

/** The example producer: vendors CRUD whose writes publish `vendor.*` events; no consumer. */
@Module({})
export class AppModule {
  static forRoot(config?: VendorServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventsModule.forProducer({
          service: SERVICE_NAME,
          config,
          database: { entities: [Vendor], migrations: [CreateVendors1733000000000] },
        }),
        EventsHealthModule,
        // Request events (http.request_*) when ENABLE_SERVER_LOGGING is on.
        ServerLoggingModule.forRoot(),
        VendorsModule,
      ],
    };
  }
}
