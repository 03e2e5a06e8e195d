import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@app/events';
import { maskPhone } from '../phone/phone-number.js';
import { OptOutsRepository } from './opt-outs.repository.js';

/** The opt-out list's admin writes, each recorded in the audit trail with the number masked. */
@Injectable()
export class OptOutsAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly optOuts: OptOutsRepository,
    private readonly audit: AuditTrail,
  ) {}

  /** Idempotent: adding a listed number keeps its first entry and is recorded with `added: false`. */
  async add(phone: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const added = await this.optOuts.add(phone, 'admin', null, m);
      await this.audit.record({ action: 'opt_out_added', target: target(phone), details: { added } }, m);
    });
  }

  async remove(phone: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      if (!(await this.optOuts.remove(phone, m))) throw new NotFoundException('That number is not on the opt-out list');
      await this.audit.record({ action: 'opt_out_removed', target: target(phone) }, m);
    });
  }
}

const target = (phone: string) => ({ type: 'sms-opt-out', id: maskPhone(phone) });
