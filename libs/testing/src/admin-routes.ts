import { type INestApplication, RequestMethod, type Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { API_KEY_POLICY, ApiKeyGuard, AUDIT_EXEMPT, type ApiKeyPolicy } from '@app/events/internal';

/** A route behind `ApiKeyGuard` whose policy is `admin`, as Nest's router metadata declares it. */
export interface AdminRoute {
  /** `POST /webhooks/subscriptions/:id/rotate-secret` */
  key: string;
  method: string;
  path: string;
  controller: string;
  handler: string;
  /** The `@AuditExempt` reason, when the route changes nothing. */
  exempt?: string;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [typeof v === 'string' ? v : '']);
const join = (...parts: string[]) => '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');

/**
 * Every admin route of a booted app, read from each controller's metadata (route paths, guards,
 * `@ApiKey` policy), so a route added tomorrow is found without editing any list.
 * @example for (const r of adminRoutesOf(app).filter((r) => r.method !== 'GET' && !r.exempt)) …
 */
export function adminRoutesOf(app: INestApplication): AdminRoute[] {
  const routes: AdminRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | undefined;
      if (!controller) continue;
      const classGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? [];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? [])];
        if (!guards.includes(ApiKeyGuard)) continue;
        const policy = (Reflect.getMetadata(API_KEY_POLICY, handler) ?? Reflect.getMetadata(API_KEY_POLICY, controller) ?? 'admin') as ApiKeyPolicy;
        if (policy !== 'admin') continue;
        const exempt = Reflect.getMetadata(AUDIT_EXEMPT, handler) as string | undefined;
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const sub of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
            const path = join(base, sub);
            const verb = RequestMethod[method];
            routes.push({ key: `${verb} ${path}`, method: verb, path, controller: controller.name, handler: name, ...(exempt ? { exempt } : {}) });
          }
        }
      }
    }
  }
  return routes;
}
