import type { CloudEvent } from '../mesh-events.js';
import { eventLine, shortData } from './event-line.js';

describe(eventLine.name, () => {
  const event: CloudEvent = {
    specversion: '1.0', id: '1', source: 'vendor-service', type: 'vendor.created', time: '2025-03-01T10:00:00.000Z',
    datacontenttype: 'application/json', data: { name: 'Taco' }, level: 'warn', resourcetype: 'vendor', resourceid: 'v-1',
  };

  it('shows time, level, type, resource, source and data on one line', () => {
    expect(eventLine(event)).toBe('2025-03-01T10:00:00.000Z  warn   vendor.created            vendor/v-1  vendor-service  {"name":"Taco"}');
  });

  it('falls back to the subject, then -', () => {
    expect(eventLine({ ...event, resourcetype: undefined, resourceid: undefined, subject: 's-9' })).toContain('  s-9  ');
    expect(eventLine({ ...event, resourcetype: undefined, resourceid: undefined })).toContain('  -  vendor-service');
  });

  it('cuts long data with an ellipsis', () => {
    expect(shortData({ text: 'x'.repeat(200) }, 20)).toBe('{"text":"xxxxxxxxxx…');
    expect(shortData({ text: 'x'.repeat(200) }, 20)).toHaveLength(20);
  });
});
