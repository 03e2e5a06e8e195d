import { renderTemplate } from '@app/events';
import { compileTemplate } from './compiled-template.js';

describe(compileTemplate.name, () => {
  const view = { data: { name: 'Taco <Stand>', n: 0, items: [{ sku: 'A' }, { sku: 'B' }], none: [], flag: true, nested: { deep: { x: 7 } } }, type: 'order.created', empty: '' };
  const root = (name: string) => (view as Record<string, unknown>)[name];

  it.each([
    'Vendor "{{data.name}}" was created',
    '{{&data.name}} {{data.n}} {{data.missing}} {{nope.deeper}}',
    '{{#data.items}}[{{sku}} of {{type}}]{{/data.items}}',
    '{{#data.none}}never{{/data.none}}{{^data.none}}none{{/data.none}}',
    '{{#data.flag}}yes {{data.name}}{{/data.flag}}{{^data.flag}}no{{/data.flag}}',
    '{{#data.nested}}{{deep.x}}{{/data.nested}} {{data.nested.deep.x}}',
    '{{#empty}}hidden{{/empty}}{{^empty}}shown{{/empty}}{{! a comment }}',
    'رویداد «{{type}}»{{#data.name}} برای {{data.name}}{{/data.name}}',
  ])('renders %p as Mustache does, nothing escaped', (text) => {
    expect(compileTemplate(text)(root)).toBe(renderTemplate(text, view));
  });

  it('refuses partials, as every template of the mesh', () => {
    expect(() => compileTemplate('{{> header}}')).toThrow(/is not allowed/);
  });
});
