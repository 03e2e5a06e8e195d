import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuditTrail } from '@app/events';
import { SmsRule } from '../rules/sms-rule.entity.js';
import { SmsTemplate } from './sms-template.entity.js';
import { missingPlaceholders, parseTemplate, renderTemplate, smsEncoding, SmsEncodingInfo, TemplateError } from './template-text.js';

export interface TemplatePreview extends SmsEncodingInfo {
  key: string;
  locale: string;
  text: string;
}

const target = (key: string, locale: string) => ({ type: 'sms-template', id: `${key}/${locale}` });
/** The text only: sample data may hold a real-looking phone number, which the trail must not keep. */
const auditView = (t: Pick<SmsTemplate, 'key' | 'locale' | 'body'>) => ({ key: t.key, locale: t.locale, body: t.body });

/** Templates: key + locale → Mustache text, checked against its sample data when saved. */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(SmsTemplate);
  }

  list(): Promise<SmsTemplate[]> {
    return this.repo.find({ order: { key: 'ASC', locale: 'ASC' } });
  }

  async byKey(key: string): Promise<SmsTemplate[]> {
    const found = await this.repo.find({ where: { key }, order: { locale: 'ASC' } });
    if (found.length === 0) throw new NotFoundException(`No template "${key}"; create one with PUT /sms/templates/${key}/<locale>`);
    return found;
  }

  /** The first of `locales` that has a text for `key`. */
  async firstOf(key: string, locales: string[]): Promise<SmsTemplate | undefined> {
    const found = await this.repo.findBy({ key, locale: In(locales) });
    return locales.map((l) => found.find((t) => t.locale === l)).find(Boolean);
  }

  /** Creates or replaces one text; refuses a body that does not parse or uses a placeholder the sample lacks. */
  async save(key: string, locale: string, body: string, sampleData: Record<string, unknown>): Promise<{ template: SmsTemplate; created: boolean }> {
    const missing = this.check(body, sampleData);
    if (missing.length > 0) {
      throw new BadRequestException([
        `body uses ${missing.map((n) => `{{${n}}}`).join(', ')}, which sampleData does not have: add ${missing.length > 1 ? 'them' : 'it'} to sampleData (the data the events carry) or remove ${missing.length > 1 ? 'them' : 'it'} from body`,
      ]);
    }
    return this.dataSource.transaction(async (m) => {
      const existing = await m.findOne(SmsTemplate, { where: { key, locale }, lock: { mode: 'pessimistic_write' } });
      const now = new Date();
      const template = await m.save(SmsTemplate, { key, locale, body, sampleData, createdAt: existing?.createdAt ?? now, updatedAt: now });
      await this.audit.record(
        { action: existing ? 'sms_template_updated' : 'sms_template_created', target: target(key, locale), before: existing ? auditView(existing) : undefined, after: auditView(template) },
        m,
      );
      return { template, created: !existing };
    });
  }

  async remove(key: string, locale: string): Promise<void> {
    const users = await this.dataSource.getRepository(SmsRule).findBy({ templateKey: key, defaultLocale: locale });
    if (users.length > 0) {
      throw new ConflictException(`Template "${key}" in "${locale}" is the default text of rule(s) ${users.map((r) => r.name).join(', ')}; change or delete those rules first`);
    }
    await this.dataSource.transaction(async (m) => {
      const before = await m.findOne(SmsTemplate, { where: { key, locale }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw new NotFoundException(`No template "${key}" in locale "${locale}"`);
      await m.delete(SmsTemplate, { key, locale });
      await this.audit.record({ action: 'sms_template_deleted', target: target(key, locale), before: auditView(before) }, m);
    });
  }

  /** Renders each locale of `key` (or only `locale`) with `data`, or with each text's own sample. */
  async preview(key: string, locale: string | undefined, data: Record<string, unknown> | undefined): Promise<TemplatePreview[]> {
    const texts = (await this.byKey(key)).filter((t) => !locale || t.locale === locale);
    if (texts.length === 0) throw new NotFoundException(`Template "${key}" has no text in locale "${locale}"`);
    return texts.map((t) => {
      const view = data ?? t.sampleData;
      const missing = missingPlaceholders(parseTemplate(t.body), view);
      if (missing.length > 0) throw new BadRequestException([`data lacks ${missing.map((n) => `{{${n}}}`).join(', ')}, used by the "${t.locale}" text`]);
      const text = renderTemplate(t.body, view);
      return { key, locale: t.locale, text, ...smsEncoding(text) };
    });
  }

  private check(body: string, sample: Record<string, unknown>): string[] {
    try {
      return missingPlaceholders(parseTemplate(body), sample);
    } catch (err) {
      if (err instanceof TemplateError) throw new BadRequestException([`body: ${err.message}`]);
      throw err;
    }
  }
}
