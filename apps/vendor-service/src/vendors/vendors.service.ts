import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Vendor } from './vendor.entity.js';
import { toVendorData, VENDOR_FIELDS, VendorData } from './vendor-data.js';
import { VendorEventsPublisher } from './vendor-events.publisher.js';
import type { CreateVendorDto } from './dto/create-vendor.dto.js';
import type { UpdateVendorDto } from './dto/update-vendor.dto.js';

/**
 * Vendors CRUD. Every write and its event run in one transaction (the event goes through the
 * outbox), so a vendor row changes if and only if its event is published.
 */
@Injectable()
export class VendorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Vendor) private readonly vendors: Repository<Vendor>,
    private readonly events: VendorEventsPublisher,
  ) {}

  async list(limit: number, offset: number): Promise<VendorData[]> {
    const rows = await this.vendors.find({ order: { createdAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
    return rows.map(toVendorData);
  }

  async get(id: string): Promise<VendorData> {
    const vendor = await this.vendors.findOneBy({ id });
    if (!vendor) throw notFound(id);
    return toVendorData(vendor);
  }

  create(input: CreateVendorDto): Promise<VendorData> {
    return this.dataSource.transaction(async (m) => {
      const now = new Date();
      const vendor = m.create(Vendor, {
        id: randomUUID(),
        name: input.name,
        description: input.description ?? null,
        phone: input.phone ?? null,
        email: input.email ?? null,
        website: input.website ?? null,
        open: input.open ?? false,
        primaryImage: input.primaryImage ?? null,
        lat: input.lat ?? null,
        long: input.long ?? null,
        createdAt: now,
        updatedAt: now,
      });
      await m.insert(Vendor, vendor);
      const data = toVendorData(vendor);
      await this.events.publish(m, 'vendor.created', vendor.id, data);
      return data;
    });
  }

  /** Applies the fields that differ; when none does, nothing is written or published. */
  update(id: string, patch: UpdateVendorDto): Promise<VendorData> {
    return this.dataSource.transaction(async (m) => {
      const vendor = await lockVendor(m, id);
      const changes = VENDOR_FIELDS.filter((f) => patch[f] !== undefined && patch[f] !== vendor[f]);
      if (changes.length === 0) return toVendorData(vendor);
      const set = Object.fromEntries(changes.map((f) => [f, patch[f]])) as Partial<Vendor>;
      set.updatedAt = new Date();
      await m.update(Vendor, { id }, set);
      const data = toVendorData(Object.assign(vendor, set));
      await this.events.publish(m, 'vendor.updated', id, data, changes);
      return data;
    });
  }

  remove(id: string): Promise<void> {
    return this.dataSource.transaction(async (m) => {
      const vendor = await lockVendor(m, id);
      await m.delete(Vendor, { id });
      await this.events.publish(m, 'vendor.deleted', id, toVendorData(vendor));
    });
  }
}

const notFound = (id: string) => new NotFoundException(`Vendor ${id} not found`);

/** Reads the row for update, so concurrent writes to one vendor take turns and report exact changes. */
async function lockVendor(m: EntityManager, id: string): Promise<Vendor> {
  const vendor = await m.findOne(Vendor, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!vendor) throw notFound(id);
  return vendor;
}
