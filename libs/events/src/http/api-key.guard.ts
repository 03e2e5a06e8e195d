import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { EVENTS_CONFIG } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { AuthAttempts, type AuthRefusal, type RefusedRequest } from '../server-logging/auth-attempts.js';

export type ApiKeyPolicy = 'admin' | 'when-configured';
/** Metadata key of {@link ApiKey}; the audit walker reads it to find the admin routes. */
export const API_KEY_POLICY = Symbol('API_KEY_POLICY');

/**
 * `admin`: the route needs `X-Api-Key` equal to ADMIN_API_KEY (and is refused while none is set).
 * `when-configured`: the key is checked only when ADMIN_API_KEY is set (read-only queries).
 * @example @UseGuards(ApiKeyGuard) @ApiKey('admin') @Post('replay') replay() {}
 */
export const ApiKey = (policy: ApiKeyPolicy) => SetMetadata(API_KEY_POLICY, policy);

/** Digests first, so the comparison takes the same time whatever the lengths. */
const sameKey = (given: string, expected: string) =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/**
 * Checks `X-Api-Key` against `ADMIN_API_KEY` (compared in constant time) on routes marked with {@link ApiKey}.
 * Refusals go to AuthAttempts (aggregated `http.auth_failed` events when ENABLE_SERVER_LOGGING is on), which EventsModule provides in every app.
 * @example
 * class VendorsController { @UseGuards(ApiKeyGuard) @ApiKey('admin') @Delete(':id') remove() {} }
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly attempts: AuthAttempts,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const policy = this.reflector.getAllAndOverride<ApiKeyPolicy | undefined>(API_KEY_POLICY, [context.getHandler(), context.getClass()]) ?? 'admin';
    const expected = this.config.adminApiKey;
    const req = context.switchToHttp().getRequest<RefusedRequest & { headers: Record<string, string | string[] | undefined> }>();
    if (!expected) {
      if (policy === 'when-configured') return true;
      throw this.refuse(req, 'admin_disabled', new ForbiddenException('Admin routes are disabled: set ADMIN_API_KEY and send it in the X-Api-Key header'));
    }
    const given = req.headers['x-api-key'];
    if (typeof given !== 'string' || given.length === 0) throw this.refuse(req, 'missing_key', new UnauthorizedException('Missing X-Api-Key header'));
    if (!sameKey(given, expected)) throw this.refuse(req, 'wrong_key', new ForbiddenException('Wrong X-Api-Key'));
    return true;
  }

  private refuse(req: RefusedRequest, reason: AuthRefusal, error: Error): Error {
    this.attempts.refused(req, reason);
    return error;
  }
}
