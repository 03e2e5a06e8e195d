import { audiencesOf, type Audience, type CloudEvent } from '@app/events';
import { DEFAULT_TEMPLATES, GENERIC_TEMPLATE } from './default-templates.js';
import type { MessageTemplate, RenderedMessage } from './message-template.js';
import { eventLookup } from './event-view.js';
import { compileTemplate, type CompiledTemplate } from './compiled-template.js';

const PATTERN_SUFFIX = '.*';
const keyOf = (t: Pick<MessageTemplate, 'type' | 'audience'>) => `${t.type}\u0000${t.audience}`;

/**
 * The templates in force: the defaults, with the saved ones in place of a default of the same
 * type and audience. Lookups are cached per type (the writer renders every event it stores).
 */
export class MessageCatalog {
  private readonly templates: MessageTemplate[];
  private readonly cache = new Map<string, MessageTemplate[]>();
  private readonly compiled = new Map<string, CompiledTemplate>();

  constructor(custom: readonly MessageTemplate[] = []) {
    const byKey = new Map(DEFAULT_TEMPLATES.map((t) => [keyOf(t), t]));
    for (const t of custom) byKey.set(keyOf(t), t);
    this.templates = [...byKey.values()];
  }

  /** The templates of a type: its own, else those of the longest pattern that covers it (`audit.*`). */
  templatesFor(type: string): MessageTemplate[] {
    let found = this.cache.get(type);
    if (found) return found;
    found = this.templates.filter((t) => t.type === type);
    if (found.length === 0) {
      const patterns = this.templates.filter((t) => t.type.endsWith(PATTERN_SUFFIX) && type.startsWith(t.type.slice(0, -1)));
      const longest = Math.max(0, ...patterns.map((t) => t.type.length));
      found = patterns.filter((t) => t.type.length === longest);
    }
    this.cache.set(type, found);
    return found;
  }

  /** The template for the first of `audiences` that has one, else the type's first; undefined when none covers the type. */
  pick(type: string, audiences: readonly Audience[]): MessageTemplate | undefined {
    const candidates = this.templatesFor(type);
    for (const audience of audiences) {
      const t = candidates.find((c) => c.audience === audience);
      if (t) return t;
    }
    return candidates[0];
  }

  /**
   * The event's sentences for its audience (the first one listed that has a template), in both
   * languages. An unknown type gets the generic sentence; the event's own category wins over the template's.
   */
  render(event: CloudEvent, audiences: readonly Audience[] = audiencesOf(event.audience)): RenderedMessage {
    const template = this.pick(event.type, audiences) ?? GENERIC_TEMPLATE;
    const root = eventLookup(event);
    let texts: [CompiledTemplate, CompiledTemplate];
    try {
      texts = [this.compile(template.fa), this.compile(template.en)];
    } catch {
      // A text that does not parse (written into event_templates by hand) must not stop the writer.
      texts = [this.compile(GENERIC_TEMPLATE.fa), this.compile(GENERIC_TEMPLATE.en)];
    }
    return {
      message: texts[0](root),
      messageEn: texts[1](root),
      category: typeof event.category === 'string' ? event.category : template.category,
    };
  }

  /** Each text parsed once for the catalogue's life (a saved text was checked when it was saved). */
  private compile(text: string): CompiledTemplate {
    let c = this.compiled.get(text);
    if (!c) this.compiled.set(text, (c = compileTemplate(text)));
    return c;
  }
}
