import type { SmsRule } from '../rules/sms-rule.entity.js';
import type { RuleView } from '../rules/rule.views.js';
import type { SmsTemplate } from '../templates/sms-template.entity.js';
import type { TemplatePreviewView, TemplateView } from '../templates/template.views.js';
import type { TemplatePreview } from '../templates/templates.service.js';

// The console reads rules and templates through decorator-free copies of their shapes; the
// compiler holds each copy to its entity (JSON turns the dates into strings).
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const ruleMatches: Same<Json<SmsRule>, RuleView> = true;
const templateMatches: Same<Json<SmsTemplate>, TemplateView> = true;
const previewMatches: Same<TemplatePreview, TemplatePreviewView> = true;

describe('the console views of the sms-notifier', () => {
  it('have the fields of the entities they show', () => {
    expect([ruleMatches, templateMatches, previewMatches]).toEqual([true, true, true]);
  });
});
