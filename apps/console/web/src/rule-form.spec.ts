import type { Rule } from './notification-types.js';
import { EMPTY_RULE, quietHoursOf, recipientOf, ruleBodyOf, ruleDraftOf } from './rule-form.js';

const stored = (over: Partial<Rule>): Rule => ({
  id: 'r1',
  name: 'order-sms',
  eventPattern: 'order.*',
  condition: null,
  channel: 'sms',
  phonePath: 'phone',
  emailPath: null,
  userPath: null,
  templateKey: 'order_confirmation',
  localePath: 'locale',
  defaultLocale: 'fa',
  enabled: true,
  quietHours: null,
  timeZone: null,
  urgent: false,
  createdAt: '2026-12-04T00:00:00.000Z',
  updatedAt: '2026-12-04T00:00:00.000Z',
  ...over,
});

describe(ruleBodyOf.name, () => {
  const draft = { ...EMPTY_RULE, name: 'order-mail', eventPattern: 'order.*', channel: 'email' as const, recipientPath: 'customer.email', templateKey: 'order_mail' };

  it('sends the recipient path as the channel names it, and empty optional fields as none', () => {
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
      quietHours: null,
      timeZone: null,
      urgent: false,
    });
    expect(ruleBodyOf({ ...draft, channel: 'sms', recipientPath: 'phone' })).toMatchObject({ channel: 'sms', phonePath: 'phone' });
  });

  it('creates a rule by user id with quiet hours, leaving the number path out (POST refuses a null path)', () => {
    const body = ruleBodyOf({ ...draft, channel: 'sms', recipientBy: 'user', recipientPath: 'phone', userPath: ' customer.id ', quietHours: ' 22:00-08:00 ', timeZone: 'Asia/Tehran', urgent: true });
    expect(body).toMatchObject({ channel: 'sms', userPath: 'customer.id', quietHours: '22:00-08:00', timeZone: 'Asia/Tehran', urgent: true });
    expect(body).not.toHaveProperty('phonePath');
    expect(body).not.toHaveProperty('emailPath');
  });

  it('sends only what changed in an edit', () => {
    expect(ruleBodyOf({ ...draft, condition: ' newStatus == "Started" ', enabled: false }, draft)).toEqual({ condition: 'newStatus == "Started"', enabled: false });
    expect(ruleBodyOf(draft, draft)).toEqual({});
  });

  it('clears the source left behind when an edit switches between a path and a user id', () => {
    const byPhone = ruleDraftOf(stored({}));
    expect(ruleBodyOf({ ...byPhone, recipientBy: 'user', userPath: 'customer.id' }, byPhone)).toEqual({ phonePath: null, userPath: 'customer.id' });
    const byUser = ruleDraftOf(stored({ phonePath: null, userPath: 'customer.id' }));
    expect(ruleBodyOf({ ...byUser, recipientBy: 'path', recipientPath: 'customer.phone' }, byUser)).toEqual({ phonePath: 'customer.phone', userPath: null });
  });

  it('clears quiet hours and their zone as null, and sends urgent as it is ticked', () => {
    const quiet = ruleDraftOf(stored({ quietHours: '22:00-08:00', timeZone: 'Asia/Tehran' }));
    expect(ruleBodyOf({ ...quiet, quietHours: '', timeZone: ' ', urgent: true }, quiet)).toEqual({ quietHours: null, timeZone: null, urgent: true });
  });
});

describe(ruleDraftOf.name, () => {
  it('reads a rule by user id back into the form, and round-trips to no change', () => {
    const rule = stored({ phonePath: null, userPath: 'customer.id', quietHours: '21:30-07:00', timeZone: 'Europe/Berlin', urgent: true });
    const d = ruleDraftOf(rule);
    expect(d).toMatchObject({ recipientBy: 'user', userPath: 'customer.id', recipientPath: '', quietHours: '21:30-07:00', timeZone: 'Europe/Berlin', urgent: true });
    expect(ruleBodyOf(d, d)).toEqual({});
  });
});

describe('rule list words', () => {
  it('names the recipient source and the quiet hours with the zone the notifier falls back to', () => {
    expect(recipientOf(stored({}))).toEqual({ by: 'path', path: 'phone' });
    expect(recipientOf(stored({ channel: 'email', phonePath: null, emailPath: 'customer.email' }))).toEqual({ by: 'path', path: 'customer.email' });
    expect(recipientOf(stored({ phonePath: null, userPath: 'customer.id' }))).toEqual({ by: 'user', path: 'customer.id' });
    expect(quietHoursOf(stored({}))).toBeNull();
    expect(quietHoursOf(stored({ quietHours: '22:00-08:00' }))).toBe("22:00-08:00 (recipient's zone, else UTC)");
    expect(quietHoursOf(stored({ quietHours: '22:00-08:00', timeZone: 'Asia/Tehran' }))).toBe("22:00-08:00 (recipient's zone, else Asia/Tehran)");
  });
});
