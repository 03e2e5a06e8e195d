import { audiencesOf, renderTemplate, type Audience, type CloudEvent } from '@app/events';
import { DEFAULT_TEMPLATES, GENERIC_TEMPLATE } from './default-templates.js';
import type { MessageTemplate, RenderedMessage } from './message-template.js';
import { eventView } from './event-view.js';

const PATTERN_SUFFIX = '.*';
const keyOf = (t: Pick<MessageTemplate, 'type' | 'audience'>) => `${t.type}\u0000${t.audience}`;

/**
 * The templates in force: the defaults, with the saved ones in place of a default of the same
 * type and audience. Lookups are cached per type (the writer renders every event it stores).
 */
export class MessageCatalog {
  private readonly templates: MessageTemplate[];
  private readonly cache = new Map<string, MessageTemplate[]>();

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
    const view = eventView(event);
    return {
      message: renderTemplate(template.fa, view),
      messageEn: renderTemplate(template.en, view),
      category: typeof event.category === 'string' ? event.category : template.category,
    };
  }
}
