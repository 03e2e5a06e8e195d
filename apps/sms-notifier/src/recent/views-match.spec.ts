import type { SmsRule } from '../rules/sms-rule.entity.js';
import type { RuleView } from '../rules/rule.views.js';
import type { SmsTemplate } from '../templates/sms-template.entity.js';
import type { TemplateView } from '../templates/template.views.js';

// The console reads rules and templates through decorator-free copies of their shapes; the
// compiler holds each copy to its entity (JSON turns the dates into strings).
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const ruleMatches: Same<Json<SmsRule>, RuleView> = true;
const templateMatches: Same<Json<SmsTemplate>, TemplateView> = true;

describe('the console views of the sms-notifier', () => {
  it('have the fields of the entities they show', () => {
    expect([ruleMatches, templateMatches]).toEqual([true, true]);
  });
});
