import { uuidv7 } from './uuid-v7.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The 48-bit Unix millisecond timestamp a UUID v7 starts with. */
const timestampOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe(uuidv7.name, () => {
  it('is a lowercase 8-4-4-4-12 hex UUID', () => {
    expect(uuidv7()).toMatch(UUID);
  });

  it('sets the version nibble to 7 and the RFC 9562 variant bits to 10', () => {
    for (let i = 0; i < 200; i++) {
      const id = uuidv7();
      expect(id[14]).toBe('7');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    }
  });

  it('encodes the given millisecond timestamp big-endian in the first 48 bits', () => {
    const now = Date.UTC(2024, 10, 19, 12, 34, 56, 789);
    const id = uuidv7(now);
    expect(timestampOf(id)).toBe(now);
    expect(id.slice(0, 13)).toBe(`${now.toString(16).padStart(12, '0').slice(0, 8)}-${now.toString(16).padStart(12, '0').slice(8)}`);
  });

  it('uses the current time by default', () => {
    const before = Date.now();
    const ts = timestampOf(uuidv7());
    const after = Date.now();
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(after);
  });

  it('sorts ids of later milliseconds after earlier ones, as strings', () => {
    const base = 1_732_000_000_000;
    const ids = [0, 1, 2, 255, 256, 65_536, 86_400_000].map((offset) => uuidv7(base + offset));
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it('differs between ids of the same millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 1_000 }, () => uuidv7(now)));
    expect(ids.size).toBe(1_000);
  });
});
