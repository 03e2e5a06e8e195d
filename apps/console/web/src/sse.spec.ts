import { SseParser } from './sse.js';

describe(SseParser.name, () => {
  it('joins events split across chunks and multi-line data', () => {
    const p = new SseParser();
    expect(p.push('event: ready\ndata: {"pattern"')).toEqual([]);
    expect(p.push(':">"}\n\nid: 1\nevent: event\ndata: a\ndata: b\n\n')).toEqual([
      { event: 'ready', data: '{"pattern":">"}', id: undefined },
      { event: 'event', data: 'a\nb', id: '1' },
    ]);
  });

  it('ignores comments, takes CRLF, and names an unnamed event "message"', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\r\ndata: x\r\n\r\n')).toEqual([{ event: 'message', data: 'x', id: undefined }]);
  });
});
