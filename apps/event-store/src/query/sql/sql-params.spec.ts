import { escapeLike } from './sql-params.js';

describe(escapeLike.name, () => {
  it('escapes the LIKE wildcards and the escape character', () => {
    expect(escapeLike('100%_off\\x')).toBe('100\\%\\_off\\\\x');
  });
});
