import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { EventsConfig } from '../config/events-config.js';
import { ApiKey, ApiKeyGuard, ApiKeyPolicy } from './api-key.guard.js';
import type { AuthAttempts, AuthRefusal, RefusedRequest } from '../server-logging/auth-attempts.js';

class Routes {
  @ApiKey('admin') admin(): void {}
  @ApiKey('when-configured') query(): void {}
  unmarked(): void {}
}

const contextFor = (method: keyof Routes, headers: Record<string, string> = {}): ExecutionContext =>
  ({
    getHandler: () => Routes.prototype[method],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ headers }) }),
  }) as unknown as ExecutionContext;

/** Records what the guard reports, as AuthAttempts would receive it. */
const recorder = () => {
  const seen: [string | undefined, AuthRefusal][] = [];
  return { seen, attempts: { refused: (req: RefusedRequest, reason: AuthRefusal) => seen.push([req.method, reason]) } as unknown as AuthAttempts };
};

const guard = (adminApiKey?: string, attempts: AuthAttempts = recorder().attempts) => new ApiKeyGuard(new Reflector(), { adminApiKey } as EventsConfig, attempts);

describe(ApiKeyGuard.name, () => {
  it.each<[keyof Routes, ApiKeyPolicy]>([
    ['admin', 'admin'],
    ['unmarked', 'admin'],
  ])('refuses %s routes while ADMIN_API_KEY is unset, saying how to enable them', (route) => {
    expect(() => guard().canActivate(contextFor(route))).toThrow(/set ADMIN_API_KEY/);
  });

  it('lets queries through while ADMIN_API_KEY is unset', () => {
    expect(guard().canActivate(contextFor('query'))).toBe(true);
  });

  it('answers 401 without the header and 403 with a wrong key, for admin and query routes alike', () => {
    for (const route of ['admin', 'query'] as const) {
      expect(() => guard('s3cret').canActivate(contextFor(route))).toThrow(UnauthorizedException);
      expect(() => guard('s3cret').canActivate(contextFor(route, { 'x-api-key': 's3cre' }))).toThrow(ForbiddenException);
      expect(() => guard('s3cret').canActivate(contextFor(route, { 'x-api-key': 's3cret-and-more' }))).toThrow(ForbiddenException);
    }
  });

  it('accepts the configured key', () => {
    expect(guard('s3cret').canActivate(contextFor('admin', { 'x-api-key': 's3cret' }))).toBe(true);
    expect(guard('s3cret').canActivate(contextFor('query', { 'x-api-key': 's3cret' }))).toBe(true);
  });

  it('reports each refusal with its reason, and nothing for a request it lets through', () => {
    const { seen, attempts } = recorder();
    const ctx = (method: keyof Routes, headers: Record<string, string> = {}) =>
      ({ getHandler: () => Routes.prototype[method], getClass: () => Routes, switchToHttp: () => ({ getRequest: () => ({ method: 'POST', headers }) }) }) as unknown as ExecutionContext;
    expect(() => guard(undefined, attempts).canActivate(ctx('admin'))).toThrow(ForbiddenException);
    expect(() => guard('s3cret', attempts).canActivate(ctx('admin'))).toThrow(UnauthorizedException);
    expect(() => guard('s3cret', attempts).canActivate(ctx('query', { 'x-api-key': 'nope' }))).toThrow(ForbiddenException);
    expect(guard('s3cret', attempts).canActivate(ctx('admin', { 'x-api-key': 's3cret' }))).toBe(true);
    expect(guard(undefined, attempts).canActivate(ctx('query'))).toBe(true);
    expect(seen).toEqual([
      ['POST', 'admin_disabled'],
      ['POST', 'missing_key'],
      ['POST', 'wrong_key'],
    ]);
  });
});
