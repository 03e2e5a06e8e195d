import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OptOut } from './opt-out.entity.js';

@Injectable()
export class OptOutsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isOptedOut(phone: string, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    return (await m.countBy(OptOut, { phone })) > 0;
  }

  /** Adds the number; a repeat keeps the first entry. Returns whether it was new. */
  async add(phone: string, source: string, keyword: string | null, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = (await m.query(
      `INSERT INTO sms_opt_outs (phone, source, keyword) VALUES ($1, $2, $3) ON CONFLICT (phone) DO NOTHING RETURNING phone`,
      [phone, source, keyword],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Returns whether the number was on the list. */
  async remove(phone: string, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await m.delete(OptOut, { phone });
    return (result.affected ?? 0) > 0;
  }

  list(limit: number, offset: number): Promise<OptOut[]> {
    return this.dataSource.manager.find(OptOut, { order: { createdAt: 'DESC' }, take: limit, skip: offset });
  }
}
