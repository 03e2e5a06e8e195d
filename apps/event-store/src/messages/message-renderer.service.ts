import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { CloudEvent } from '@app/events';
import { EventTemplatesRepository } from './event-templates.repository.js';
import { MessageCatalog } from './message-catalog.js';
import type { RenderedMessage } from './message-template.js';

/** How often a replica looks for templates saved on another one. */
export const TEMPLATE_RELOAD_MS = 2_000;

/**
 * Renders events with the templates in force: the defaults and the saved ones, reloaded when this
 * replica saves one and within {@link TEMPLATE_RELOAD_MS} when another does.
 */
@Injectable()
export class MessageRenderer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MessageRenderer.name);
  private catalog = new MessageCatalog();
  private version = '';
  private timer?: NodeJS.Timeout;
  private reloading?: Promise<void>;

  constructor(private readonly templates: EventTemplatesRepository) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reloadIfChanged().catch((err: Error) => this.logger.warn(`templates not reloaded (the ones in force stay): ${err.message}`));
    }, TEMPLATE_RELOAD_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  get current(): MessageCatalog {
    return this.catalog;
  }

  render(event: CloudEvent): RenderedMessage {
    return this.catalog.render(event);
  }

  /** Reads the saved templates now (after a save on this replica). */
  async reload(): Promise<void> {
    this.reloading ??= (async () => {
      const version = await this.templates.version();
      this.catalog = new MessageCatalog(await this.templates.list());
      this.version = version;
    })().finally(() => (this.reloading = undefined));
    await this.reloading;
  }

  private async reloadIfChanged(): Promise<void> {
    if ((await this.templates.version()) !== this.version) await this.reload();
  }
}
