import type { Audience } from '@app/events';

export { LANGS, type Lang } from '../query/query.views.js';

/**
 * How one event type reads for one audience, in Persian and English (Mustache, logic-less).
 * `type` is an exact type (`sms.sent`) or a pattern over its last token (`audit.*`).
 */
export interface MessageTemplate {
  type: string;
  audience: Audience;
  /** `Notification`, `Error`, `Info`, …: the category of an event that names none itself. */
  category: string;
  fa: string;
  en: string;
}

/** A template as the API lists it: a shipped default, or one saved over `/events/templates`. */
export interface ListedTemplate extends MessageTemplate {
  origin: 'default' | 'custom';
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The sentences of one event, as the store keeps them. */
export interface RenderedMessage {
  message: string;
  messageEn: string;
  category: string;
}
