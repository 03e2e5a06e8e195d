import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail, SchemaRegistry, type Audience, type CloudEvent } from '@app/events';
import { EVENT_COLUMNS, type EventRow } from '../store/stored-event-row.js';
import { envelopeOf } from '../store/stored-envelope.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import type { SaveTemplateDto } from './dto/save-template.dto.js';
import { EventTemplatesRepository } from './event-templates.repository.js';
import { MessageRenderer } from './message-renderer.service.js';
import type { ListedTemplate } from './message-template.js';
import { rerenderMessages } from './rerender-messages.js';
import { sampleEvent, sampleFromSchema, templateProblems } from './template-placeholders.js';

const DEFAULT_ACTOR = 'admin-api';

/** `/events/templates`: list, save (validated), reset to the default, and render the history again. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly repository: EventTemplatesRepository,
    private readonly renderer: MessageRenderer,
    private readonly registry: SchemaRegistry,
    private readonly audit: AuditTrail,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** Every template in force: the defaults, with saved ones (`origin: custom`) in place of theirs. */
  async list(type?: string): Promise<{ items: ListedTemplate[] }> {
    const saved = await this.repository.list();
    const items = new Map<string, ListedTemplate>();
    for (const t of DEFAULT_TEMPLATES) items.set(`${t.type} ${t.audience}`, { ...t, origin: 'default', updatedAt: null, updatedBy: null });
    for (const t of saved) {
      items.set(`${t.type} ${t.audience}`, { type: t.type, audience: t.audience, category: t.category, fa: t.fa, en: t.en, origin: 'custom', updatedAt: t.updatedAt.toISOString(), updatedBy: t.updatedBy });
    }
    const all = [...items.values()].sort((a, b) => a.type.localeCompare(b.type) || a.audience.localeCompare(b.audience));
    return { items: type === undefined ? all : all.filter((t) => t.type === type) };
  }

  /** Saves after checking both sentences against a sample of the type; 400 naming each bad placeholder. */
  async save(type: string, audience: Audience, dto: SaveTemplateDto): Promise<ListedTemplate> {
    const sample = await this.sampleOf(type, dto.sample);
    const problems = [...templateProblems('fa', dto.fa, sample), ...templateProblems('en', dto.en, sample)];
    if (problems.length > 0) throw new BadRequestException(problems);
    const by = dto.by ?? DEFAULT_ACTOR;
    const template = { type, audience, category: dto.category ?? 'Info', fa: dto.fa, en: dto.en };
    const row = await this.db.transaction(async (m) => {
      const saved = await this.repository.save(m, template, by);
      await this.audit.record({ action: 'template_saved', actor: by, target: { type: 'event-template', id: `${type}/${audience}` }, after: template, details: { type, audience } }, m);
      return saved;
    });
    await this.renderer.reload();
    return { ...template, origin: 'custom', updatedAt: row.updatedAt.toISOString(), updatedBy: row.updatedBy };
  }

  /** Removes a saved template, so the default (if any) applies again; 404 when none was saved. */
  async reset(type: string, audience: Audience, by = DEFAULT_ACTOR): Promise<void> {
    const removed = await this.db.transaction(async (m) => {
      const done = await this.repository.delete(m, type, audience);
      if (done) await this.audit.record({ action: 'template_deleted', actor: by, target: { type: 'event-template', id: `${type}/${audience}` }, details: { type, audience } }, m);
      return done;
    });
    if (!removed) throw new NotFoundException(`No saved template for ${type} and audience ${audience}`);
    await this.renderer.reload();
  }

  /** Renders the stored events' sentences again with the templates in force. */
  async rerender(type: string | undefined, by = DEFAULT_ACTOR): Promise<{ updated: number }> {
    await this.renderer.reload();
    const query = <T>(sql: string, params?: unknown[]) => this.db.query<T[]>(sql, params);
    const updated = await rerenderMessages(query, this.renderer.current, { type });
    await this.audit.record({ action: 'messages_rerendered', actor: by, target: { type: 'event-template', id: type }, details: { type: type ?? null, updated } });
    return { updated };
  }

  /** The event the placeholders are checked against: the sample given, else the registered schema, else the latest stored event. */
  private async sampleOf(type: string, data: Record<string, unknown> | undefined): Promise<CloudEvent> {
    const concrete = type.endsWith('.*') ? `${type.slice(0, -2)}.sample` : type;
    if (data !== undefined) return sampleEvent(concrete, data);
    const schemas = (await this.registry.list()).filter((s) => s.type === type).sort((a, b) => b.version - a.version);
    if (schemas.length > 0) return sampleEvent(type, sampleFromSchema(schemas[0].schema));
    const [row] = await this.db.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE (time, id) = (SELECT last_seen, example_id FROM event_types WHERE type = $1)`,
      [type],
    );
    if (row) return envelopeOf(row);
    throw new BadRequestException(`sample is required: ${type} has no registered schema and no stored event to check the placeholders against`);
  }
}
