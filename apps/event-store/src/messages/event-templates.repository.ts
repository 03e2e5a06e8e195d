import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Audience } from '@app/events';
import type { MessageTemplate } from './message-template.js';

export interface TemplateRow extends MessageTemplate {
  updatedAt: Date;
  updatedBy: string | null;
}

const COLUMNS = `type, audience, category, fa, en, updated_at AS "updatedAt", updated_by AS "updatedBy"`;

/** The templates saved over the API (`event_templates`); the defaults are in the code. */
@Injectable()
export class EventTemplatesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(): Promise<TemplateRow[]> {
    return this.db.query<TemplateRow[]>(`SELECT ${COLUMNS} FROM event_templates ORDER BY type, audience`);
  }

  /** Changes whenever a template is saved or deleted, on any replica: compared to know when to reload. */
  async version(): Promise<string> {
    const [row] = await this.db.query<{ v: string }[]>(`SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') AS v FROM event_templates`);
    return row.v;
  }

  async save(m: EntityManager, t: MessageTemplate, by: string): Promise<TemplateRow> {
    const [row] = await m.query<TemplateRow[]>(
      `INSERT INTO event_templates (type, audience, category, fa, en, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (type, audience) DO UPDATE SET category = EXCLUDED.category, fa = EXCLUDED.fa, en = EXCLUDED.en,
         updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp()
       RETURNING ${COLUMNS}`,
      [t.type, t.audience, t.category, t.fa, t.en, by],
    );
    return row;
  }

  /** True when a saved template was removed. */
  async delete(m: EntityManager, type: string, audience: Audience): Promise<boolean> {
    // Through a CTE: TypeORM answers a bare DELETE with [rows, count] instead of the rows.
    const [row] = await m.query<{ n: number }[]>(`WITH d AS (DELETE FROM event_templates WHERE type = $1 AND audience = $2 RETURNING type) SELECT count(*)::int AS n FROM d`, [type, audience]);
    return row.n > 0;
  }
}
