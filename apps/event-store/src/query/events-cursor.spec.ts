import { decodeCursor, encodeCursor } from './events-cursor.js';

describe('event cursors', () => {
  const cursor = { time: '2025-03-01T22:00:00.123456Z', id: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' };

  it('round-trips time (with microseconds) and id through an opaque base64url string', () => {
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
  });

  it('refuses strings it did not produce', () => {
    const bad = ['', 'abc', '!!!', Buffer.from('2025-03-01|x').toString('base64url'), Buffer.from(`2025-13-01T00:00:00.000000Z|${cursor.id}`).toString('base64url')];
    for (const value of bad) expect(decodeCursor(value)).toBeUndefined();
  });
});
