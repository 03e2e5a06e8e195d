import type { EventRow } from '../store/stored-event-row.js';
import { envelopeOf } from '../store/stored-envelope.js';
import type { MessageCatalog } from './message-catalog.js';
import type { Lang, RenderedMessage } from './message-template.js';

/** What the query API adds to an event: both sentences, and with `lang` the one asked for and its direction. */
export interface EventSentences {
  message: string;
  messageEn: string;
  category: string;
  sentence?: string;
  lang?: Lang;
  /** `rtl` for Persian: how a page should lay the sentence out. */
  dir?: 'rtl' | 'ltr';
}

/** The sentences stored with the row; an event stored before sentences existed is rendered now. */
export function sentencesOf(row: EventRow, catalog: MessageCatalog, lang?: Lang): EventSentences {
  const m: RenderedMessage =
    row.message !== null && row.message_en !== null
      ? { message: row.message, messageEn: row.message_en, category: row.category ?? 'Info' }
      : catalog.render(envelopeOf(row));
  if (!lang) return m;
  return { ...m, sentence: lang === 'fa' ? m.message : m.messageEn, lang, dir: lang === 'fa' ? 'rtl' : 'ltr' };
}
