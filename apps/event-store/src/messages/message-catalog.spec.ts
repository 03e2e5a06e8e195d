import { createEnvelope } from '@app/events';
import { MessageCatalog } from './message-catalog.js';
import { sampleEvent, sampleFromSchema, templateProblems } from './template-placeholders.js';

describe(MessageCatalog.name, () => {
  it('gives an unknown type a generic sentence from its type and resource', () => {
    const m = new MessageCatalog().render(createEnvelope('invoice.voided', { n: 1 }, 'billing', { resourceType: 'invoice', resourceId: 'inv-9' }));
    expect(m).toEqual({ message: 'رویداد «invoice.voided» برای invoice inv-9', messageEn: 'Event "invoice.voided" on invoice inv-9', category: 'Info' });
  });

  it('picks the template of the first audience that has one, and the event’s own category', () => {
    const event = createEnvelope('order.created', { orderId: 7 }, 'shop', { audience: 'user,admin', category: 'Billing' });
    expect(new MessageCatalog().render(event)).toEqual({ message: 'سفارش #7 شما ثبت شد', messageEn: 'Your order #7 was placed', category: 'Billing' });
    expect(new MessageCatalog().render({ ...event, audience: 'superadmin,admin' }).messageEn).toBe('Order #7 was placed');
  });

  it('keeps apart what it picked for each type and audience (the writer renders many events of one type)', () => {
    const catalog = new MessageCatalog();
    const event = createEnvelope('order.created', { orderId: 7 }, 'shop', { audience: 'user' });
    const texts = ['user', 'admin', undefined, 'user'].map((audience) => catalog.render({ ...event, audience }).messageEn);
    expect(texts).toEqual(['Your order #7 was placed', 'Order #7 was placed', 'Your order #7 was placed', 'Your order #7 was placed']);
    expect(catalog.render({ ...event, data: { orderId: 8 }, audience: 'admin' }).messageEn).toBe('Order #8 was placed');
    expect(catalog.render({ ...event, audience: 'admin' }, ['user']).messageEn).toBe('Your order #7 was placed');
  });

  it('uses a saved template in place of the default of the same type and audience, and patterns for the rest of a family', () => {
    const catalog = new MessageCatalog([{ type: 'sms.sent', audience: 'admin', category: 'Notification', fa: 'ارسال شد به {{masked.to}}', en: 'Sent to {{masked.to}}' }]);
    const sent = createEnvelope('sms.sent', { to: '+989121234567' }, 'sms-notifier', { audience: 'admin' });
    expect(catalog.render(sent).messageEn).toBe('Sent to +98912*****67');
    expect(catalog.render(createEnvelope('audit.key_rotated', {}, 'x', { actor: 'dana' })).messageEn).toBe('Admin action key_rotated by dana');
  });
});

describe(templateProblems.name, () => {
  const sample = sampleEvent('vendor.created', { name: 'Taco Stand', owner: { phone: '+989121234567' } });

  it('accepts placeholders of the envelope, the data and the masked data', () => {
    expect(templateProblems('en', '{{actor}} created {{data.name}} ({{masked.owner.phone}}) {{resourceLabel}}', sample)).toEqual([]);
  });

  it('refuses an unknown placeholder, naming it', () => {
    expect(templateProblems('fa', 'فروشنده {{data.title}} ساخته شد', sample)).toEqual([
      'fa: placeholder {{data.title}} is not in a vendor.created event (use the envelope\'s attributes, data.… or masked.…)',
    ]);
  });

  it('refuses a text that does not parse and partials', () => {
    expect(templateProblems('en', 'Hello {{#data}}', sample)[0]).toMatch(/^en: the template does not parse/);
    expect(templateProblems('en', '{{> header}}', sample)[0]).toMatch(/^en: "\{\{>header\}\}" is not allowed/);
  });

  it('builds a sample with every field a JSON Schema describes', () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, items: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer' } } } } } };
    expect(sampleFromSchema(schema)).toEqual({ name: 'x', items: [{ qty: 1 }] });
  });
});
