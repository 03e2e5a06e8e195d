import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Vendor } from './vendor.entity.js';
import { VendorsController } from './vendors.controller.js';
import { VendorsService } from './vendors.service.js';
import { VendorEventsPublisher } from './vendor-events.publisher.js';

@Module({
  imports: [TypeOrmModule.forFeature([Vendor])],
  controllers: [VendorsController],
  providers: [VendorsService, VendorEventsPublisher],
})
export class VendorsModule {}
