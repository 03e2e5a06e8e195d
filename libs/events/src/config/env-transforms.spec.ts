import { toBool, toInt } from './env-transforms.js';

describe('env transforms', () => {
  it('reads integers, leaving unset or empty unset and anything else for the validator to refuse', () => {
    expect(toInt({ value: '42' })).toBe(42);
    expect(toInt({ value: undefined })).toBeUndefined();
    expect(toInt({ value: '' })).toBeUndefined();
    expect(toInt({ value: 'ten' })).toBeNaN();
  });

  it.each([
    ['1', true], ['TRUE', true], ['yes', true], ['On', true],
    ['0', false], ['false', false], ['NO', false], ['off', false],
  ])('reads %s as %s', (text, flag) => {
    expect(toBool({ value: text })).toBe(flag);
  });

  it('keeps unset unset and any other text as given, so the error shows it', () => {
    expect(toBool({ value: undefined })).toBeUndefined();
    expect(toBool({ value: 'maybe' })).toBe('maybe');
  });
});
