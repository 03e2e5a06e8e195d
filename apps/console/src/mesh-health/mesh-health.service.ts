import { Inject, Injectable } from '@nestjs/common';
import { CONSOLE_CONFIG, type ConsoleConfig, type MeshApp } from '../config/console-env.js';
import type { AppHealth, MeshHealth } from '../console.views.js';
export type { AppHealth, MeshHealth } from '../console.views.js';

export const APP_HEALTH_TIMEOUT_MS = 3_000;

/** Every app's `GET /health/events`, asked in parallel, each with its own deadline. */
@Injectable()
export class MeshHealthService {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  async read(): Promise<MeshHealth> {
    return { checkedAt: new Date().toISOString(), apps: await Promise.all(this.config.apps.map((a) => this.probe(a))) };
  }

  private async probe(app: MeshApp): Promise<AppHealth> {
    const started = Date.now();
    const base = { name: app.name, url: app.url };
    try {
      const res = await fetch(`${app.url}/health/events`, { signal: AbortSignal.timeout(APP_HEALTH_TIMEOUT_MS) });
      const text = await res.text();
      let health: Record<string, unknown> | null = null;
      try {
        health = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // Not JSON: something else listens on that port; the error says so below.
      }
      const error = res.ok ? null : health ? describeDown(health) : `HTTP ${res.status}: ${text.slice(0, 200)}`;
      return { ...base, status: res.ok ? 'up' : 'down', httpStatus: res.status, health, error, latencyMs: Date.now() - started };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const error = e.name === 'TimeoutError' ? `no answer within ${APP_HEALTH_TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.message);
      return { ...base, status: 'unreachable', httpStatus: null, health: null, error, latencyMs: Date.now() - started };
    }
  }
}

/** "nats: not connected; database: timeout" from terminus' `error` section. */
function describeDown(health: Record<string, unknown>): string {
  const errors = (health.error ?? {}) as Record<string, { message?: string; status?: string }>;
  const parts = Object.entries(errors).map(([key, v]) => `${key}: ${v?.message ?? v?.status ?? 'down'}`);
  return parts.length > 0 ? parts.join('; ') : 'down';
}
