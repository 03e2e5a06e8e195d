import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { edgeError, UuidPipe } from '@app/events';
import { CreateVendorDto } from './dto/create-vendor.dto.js';
import { UpdateVendorDto } from './dto/update-vendor.dto.js';
import { ListVendorsQuery } from './dto/list-vendors.query.js';
import { VendorsService } from './vendors.service.js';
import type { VendorData } from './vendor-data.js';

@Controller('vendors')
export class VendorsController {
  constructor(private readonly vendors: VendorsService) {}

  /** 201 with the vendor; publishes `vendor.created`. */
  @Post()
  create(@Body() body: CreateVendorDto): Promise<VendorData> {
    return this.vendors.create(body);
  }

  /** Newest first. */
  @Get()
  list(@Query() query: ListVendorsQuery): Promise<VendorData[]> {
    return this.vendors.list(query.limit, query.offset);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string): Promise<VendorData> {
    return this.vendors.get(id);
  }

  /** 200 with the vendor after the change; publishes `vendor.updated` when something changed. */
  @Patch(':id')
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateVendorDto): Promise<VendorData> {
    const empty = UpdateVendorDto.emptyBodyMessage(body);
    if (empty) throw edgeError(400, [empty], 'body');
    return this.vendors.update(id, body);
  }

  /** 204; publishes `vendor.deleted` with the vendor as it was. */
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', UuidPipe) id: string): Promise<void> {
    return this.vendors.remove(id);
  }
}
