import { assertEventSize, EventTooLargeError } from './event-size.js';

describe(assertEventSize.name, () => {
  it('accepts an event of exactly the limit', () => {
    expect(() => assertEventSize('x'.repeat(2048), 2048)).not.toThrow();
  });

  it('refuses one byte more, naming the size, the limit and the variable', () => {
    expect(() => assertEventSize('x'.repeat(2049), 2048)).toThrow('the event is 2049 bytes, over the limit of 2048 bytes (EVENT_MAX_BYTES)');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const err = (() => {
      try {
        assertEventSize('é'.repeat(1500), 2048);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EventTooLargeError);
    expect(err).toMatchObject({ bytes: 3000, maxBytes: 2048, retryable: false });
  });
});
