import { keywordAction } from './opt-out-keywords.js';

describe('keywordAction', () => {
  it('reads STOP, UNSUBSCRIBE and the Persian لغو as opt-outs, in any case and with punctuation around', () => {
    expect(keywordAction('STOP')).toEqual({ action: 'opt-out', keyword: 'STOP' });
    expect(keywordAction(' unsubscribe! ')).toEqual({ action: 'opt-out', keyword: 'UNSUBSCRIBE' });
    expect(keywordAction('لغو')).toEqual({ action: 'opt-out', keyword: 'لغو' });
    expect(keywordAction('لـغو.')).toEqual({ action: 'opt-out', keyword: 'لغو' });
  });

  it('reads START as an opt-in and ignores other replies', () => {
    expect(keywordAction('start')).toEqual({ action: 'opt-in', keyword: 'START' });
    expect(keywordAction('please stop sending')).toBeUndefined();
    expect(keywordAction('')).toBeUndefined();
    expect(keywordAction(undefined)).toBeUndefined();
  });
});
