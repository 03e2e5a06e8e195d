import { decodeCursor, encodeCursor } from './events-cursor.js';

describe('event cursors', () => {
  const cursor = { time: '2025-03-01T22:00:00.123456Z', id: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' };

  it('round-trips time (with microseconds) and id through an opaque base64url string', () => {
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
  });

  it('round-trips any CloudEvents id: NUID, ULID, a name with `|`, non-ASCII', () => {
    for (const id of ['oDFKhn1ZQTIohvkNHqP6RY', '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'order-42', 'a|b|c', 'commande-été-😀', 'x'.repeat(256)]) {
      expect(decodeCursor(encodeCursor({ time: cursor.time, id }))).toEqual({ time: cursor.time, id });
    }
  });

  it('refuses strings it did not produce', () => {
    const bad = ['', 'abc', '!!!', Buffer.from('2025-03-01|x').toString('base64url'), Buffer.from(`2025-13-01T00:00:00.000000Z|${cursor.id}`).toString('base64url'), encodeCursor({ time: cursor.time, id: '' }), encodeCursor({ time: cursor.time, id: 'x'.repeat(257) })];
    for (const value of bad) expect(decodeCursor(value)).toBeUndefined();
  });
});
