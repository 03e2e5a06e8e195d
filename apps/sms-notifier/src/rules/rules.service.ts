import { BadRequestException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { TemplatesService } from '../templates/templates.service.js';
import { compileRule, CompiledRule } from './compiled-rule.js';
import { ConditionSyntaxError } from './rule-condition.js';
import type { CreateRuleDto } from './dto/create-rule.dto.js';
import type { UpdateRuleDto } from './dto/update-rule.dto.js';
import { SmsRule } from './sms-rule.entity.js';

/** How long the consumer reuses the enabled rules before reading them again (other replicas' edits). */
const RULES_TTL_MS = 2_000;

const target = (id: string) => ({ type: 'sms-rule', id });

/** Rules: which events send which template; validated as a whole on every write. */
@Injectable()
export class RulesService {
  private readonly logger = new Logger(RulesService.name);
  private cache?: { at: number; rules: Promise<CompiledRule[]> };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesService,
    private readonly audit: AuditTrail,
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(SmsRule);
  }

  list(): Promise<SmsRule[]> {
    return this.repo.find({ order: { createdAt: 'ASC', name: 'ASC' } });
  }

  async get(id: string): Promise<SmsRule> {
    const rule = await this.repo.findOneBy({ id });
    if (!rule) throw new NotFoundException(`No rule ${id}`);
    return rule;
  }

  async create(dto: CreateRuleDto): Promise<SmsRule> {
    const now = new Date();
    const rule: SmsRule = {
      id: randomUUID(),
      name: dto.name,
      eventPattern: dto.eventPattern,
      condition: dto.condition || null,
      channel: dto.channel ?? 'sms',
      phonePath: dto.phonePath ?? null,
      emailPath: dto.emailPath ?? null,
      userPath: dto.userPath ?? null,
      quietHours: dto.quietHours || null,
      timeZone: dto.timeZone || null,
      urgent: dto.urgent ?? false,
      templateKey: dto.templateKey,
      localePath: dto.localePath || null,
      defaultLocale: dto.defaultLocale,
      enabled: dto.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.validate(rule);
    await this.dataSource.transaction(async (m) => {
      await m.insert(SmsRule, rule);
      await this.audit.record({ action: 'sms_rule_created', target: target(rule.id), after: rule }, m);
    });
    this.cache = undefined;
    return rule;
  }

  async update(id: string, dto: UpdateRuleDto): Promise<SmsRule> {
    const rule = await this.get(id);
    const changes = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    const next: SmsRule = { ...rule, ...changes, updatedAt: new Date() };
    if (dto.condition === '') next.condition = null;
    if (dto.localePath === '') next.localePath = null;
    for (const key of ['userPath', 'quietHours', 'timeZone'] as const) if (dto[key] === '') next[key] = null;
    await this.validate(next, id);
    await this.dataSource.transaction(async (m) => {
      await m.update(SmsRule, { id }, next);
      await this.audit.record({ action: 'sms_rule_updated', target: target(id), before: rule, after: next }, m);
    });
    this.cache = undefined;
    return next;
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const before = await m.findOne(SmsRule, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw new NotFoundException(`No rule ${id}`);
      await m.delete(SmsRule, { id });
      await this.audit.record({ action: 'sms_rule_deleted', target: target(id), before }, m);
    });
    this.cache = undefined;
  }

  /** The enabled rules, compiled; re-read at most every 2 s so edits on any replica take effect. */
  enabled(): Promise<CompiledRule[]> {
    if (!this.cache || Date.now() - this.cache.at > RULES_TTL_MS) {
      const rules = this.repo.findBy({ enabled: true }).then((rows) => rows.flatMap((row) => this.compileOrSkip(row)));
      this.cache = { at: Date.now(), rules };
      // A failed read is not kept: the next event tries again.
      rules.catch(() => (this.cache = undefined));
    }
    return this.cache.rules;
  }

  /** A row the API would have refused (edited in SQL) is skipped and logged, so it cannot stop every other rule. */
  private compileOrSkip(row: SmsRule): CompiledRule[] {
    try {
      return [compileRule(row)];
    } catch (err) {
      this.logger.error(`rule ${row.name} (${row.id}) is skipped until fixed: ${(err as Error).message}`);
      return [];
    }
  }

  private async validate(rule: SmsRule, id?: string): Promise<void> {
    const problems: string[] = [];
    try {
      compileRule(rule);
    } catch (err) {
      const message = (err as Error).message;
      problems.push(`${err instanceof ConditionSyntaxError ? 'condition' : 'eventPattern'}: ${message}`);
    }
    if (rule.channel === 'sms' && !rule.phonePath && !rule.userPath) problems.push('phonePath: an sms rule needs the path of the number in the event data, e.g. "phone" (or userPath, the path of a user id)');
    if (rule.channel === 'email') {
      if (!rule.emailPath && !rule.userPath) problems.push('emailPath: an email rule needs the path of the address in the event data, e.g. "email" (or userPath, the path of a user id)');
      if (!this.config.email) problems.push('channel: the email channel is off on this notifier; set EMAIL_SMTP_URL, EMAIL_FROM and EMAIL_UNSUBSCRIBE_SECRET');
    }
    if (!(await this.templates.firstOf(rule.templateKey, [rule.defaultLocale]))) {
      problems.push(`templateKey: no template "${rule.templateKey}" in the default locale "${rule.defaultLocale}"; create it with PUT /sms/templates/${rule.templateKey}/${rule.defaultLocale}`);
    }
    const sameName = await this.repo.findOneBy({ name: rule.name });
    if (sameName && sameName.id !== id) problems.push(`name: a rule named "${rule.name}" exists already (${sameName.id})`);
    if (problems.length > 0) throw new BadRequestException(problems);
  }
}
