import { EMPTY_RULE, ruleBodyOf } from './rule-form.js';

describe(ruleBodyOf.name, () => {
  const draft = { ...EMPTY_RULE, name: 'order-mail', eventPattern: 'order.*', channel: 'email' as const, recipientPath: 'customer.email', templateKey: 'order_mail' };

  it('sends the recipient path as the channel names it, and an empty condition as none', () => {
    expect(ruleBodyOf(draft)).toEqual({
      name: 'order-mail',
      eventPattern: 'order.*',
      condition: null,
      channel: 'email',
      emailPath: 'customer.email',
      templateKey: 'order_mail',
      localePath: 'locale',
      defaultLocale: 'fa',
      enabled: true,
    });
    expect(ruleBodyOf({ ...draft, channel: 'sms', recipientPath: 'phone' })).toMatchObject({ channel: 'sms', phonePath: 'phone' });
  });

  it('sends only what changed in an edit', () => {
    expect(ruleBodyOf({ ...draft, condition: ' newStatus == "Started" ', enabled: false }, draft)).toEqual({ condition: 'newStatus == "Started"', enabled: false });
    expect(ruleBodyOf(draft, draft)).toEqual({});
  });
});
