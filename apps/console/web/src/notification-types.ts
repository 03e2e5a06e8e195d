/** The sms-notifier's answer shapes, from its decorator-free view files (`import type`, erased by Vite). */
export type { RuleInput, RuleView as Rule } from '../../../sms-notifier/src/rules/rule.views.js';
export type { TemplateView as Template } from '../../../sms-notifier/src/templates/template.views.js';
export type { DraftPreview } from '../../../sms-notifier/src/previews/draft-preview.views.js';
export type { NotificationChannel, RecentMessagePage, RecentMessageView as RecentMessage } from '../../../sms-notifier/src/recent/recent-message.views.js';

/** The app the console proxies these pages to. */
export const NOTIFIER = 'sms-notifier';
