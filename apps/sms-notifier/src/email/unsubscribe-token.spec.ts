import { signUnsubscribe, verifyUnsubscribe } from './unsubscribe-token.js';

const SECRET = 'unit-test-unsubscribe-secret';

describe('unsubscribe tokens', () => {
  it('gives back the address it was signed for', () => {
    expect(verifyUnsubscribe(signUnsubscribe('sara@example.com', SECRET), SECRET)).toBe('sara@example.com');
  });

  it('refuses a token for another address, another secret, or a malformed one', () => {
    const token = signUnsubscribe('sara@example.com', SECRET);
    const [, signature] = token.split('.');
    const forged = `${Buffer.from('ali@example.com').toString('base64url')}.${signature}`;
    expect(verifyUnsubscribe(forged, SECRET)).toBeUndefined();
    expect(verifyUnsubscribe(token, 'another-secret-entirely')).toBeUndefined();
    expect(verifyUnsubscribe('garbage', SECRET)).toBeUndefined();
    expect(verifyUnsubscribe(`${token}.x`, SECRET)).toBeUndefined();
  });
});
