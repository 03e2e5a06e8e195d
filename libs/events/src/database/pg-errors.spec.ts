import { isPostgresDataError } from './pg-errors.js';

const pgError = (code: string) => Object.assign(new Error('refused'), { code });

describe(isPostgresDataError.name, () => {
  it.each(['22P05', '22021', '22008', '22P02', '23502', '23514'])('treats SQLSTATE %s as a data error', (code) => {
    expect(isPostgresDataError(pgError(code))).toBe(true);
  });

  it.each(['57P01', '08006', '55000', '40P01', '53300', 'ECONNREFUSED'])('treats %s as transient', (code) => {
    expect(isPostgresDataError(pgError(code))).toBe(false);
  });

  it('is false for things that are not errors with a code', () => {
    expect(isPostgresDataError(new Error('x'))).toBe(false);
    expect(isPostgresDataError(null)).toBe(false);
    expect(isPostgresDataError('22P05')).toBe(false);
  });
});
