import { maskPhone, redactPhones, toE164 } from './phone-number.js';

describe('toE164', () => {
  it('normalises international and national numbers with the default region', () => {
    expect(toE164('+98 912 123 4567', 'IR')).toBe('+989121234567');
    expect(toE164('0912 123 4567', 'IR')).toBe('+989121234567');
    expect(toE164('(415) 555-2671', 'US')).toBe('+14155552671');
  });

  it('rejects what is not a valid number', () => {
    expect(toE164('12', 'IR')).toBeUndefined();
    expect(toE164('not a phone', 'IR')).toBeUndefined();
    expect(toE164({ phone: '+14155552671' }, 'US')).toBeUndefined();
    expect(toE164(undefined, 'US')).toBeUndefined();
  });
});

describe('maskPhone', () => {
  it('keeps the country code, the first digits and the last two', () => {
    expect(maskPhone('+989121234567')).toBe('+98912*****67');
    expect(maskPhone('+14155552671')).toBe('+1415*****71');
  });

  it('never shows a short or malformed number whole', () => {
    for (const s of ['1234', '12345', 'abcdefgh', '+1']) {
      const masked = maskPhone(s);
      expect(masked).not.toBe(s);
      expect(masked).toHaveLength(s.length);
    }
  });
});

describe('redactPhones', () => {
  it('masks numbers inside a provider error and leaves error codes alone', () => {
    expect(redactPhones("Twilio 400 (error 21211): The 'To' number +989121234567 is not valid")).toBe("Twilio 400 (error 21211): The 'To' number +98912*****67 is not valid");
    expect(redactPhones('receptor 0912 123 4567 invalid')).toBe('receptor 0912*****67 invalid');
  });
});
