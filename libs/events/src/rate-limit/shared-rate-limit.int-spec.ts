import type { DataSource } from 'typeorm';
import { TestDatabase } from '@app/testing';
import { createMeshDataSource, meshDataSourceOptions } from '../database/mesh-data-source.js';
import { sharedRateLimiter, takeAll, takeUpTo } from './shared-rate-limit.js';

/** Two data sources on one database stand for two replicas of an app: each its own pool and limiter. */
describe('shared rate limits (real PostgreSQL, two replicas)', () => {
  let db: TestDatabase;
  let replicas: DataSource[];

  beforeAll(async () => {
    db = await TestDatabase.create('rate_limits');
    replicas = [];
    // One after the other: the first runs the migration that creates mesh_rate_limits.
    for (let i = 0; i < 2; i++) replicas.push(await createMeshDataSource(meshDataSourceOptions(db.url)));
  });

  afterAll(async () => {
    for (const r of replicas ?? []) await r.destroy();
    await db?.drop();
  });

  const limiters = (keyPrefix: string, points: number, durationSeconds: number) =>
    replicas.map((r) => sharedRateLimiter(r, { keyPrefix, points, durationSeconds }));

  it('lets through no more than the limit between both replicas, all or nothing, and gives refused points back', async () => {
    const [a, b] = limiters('all', 100, 60);
    expect(await takeAll(a, 'key', 60)).toEqual({ ok: true });
    const refused = await takeAll(b, 'key', 60);
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok === false && refused.retryAfterMs).toBeGreaterThan(50_000);
    // The refused 60 were given back: 40 are left, for either replica.
    expect(await takeAll(b, 'key', 40)).toEqual({ ok: true });
    expect((await takeAll(a, 'key', 1)).ok).toBe(false);
    // Another key has its own allowance.
    expect(await takeAll(a, 'other', 100)).toEqual({ ok: true });
  });

  it('grants exactly the limit when both replicas race for it', async () => {
    const [a, b] = limiters('race', 50, 60);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => takeUpTo(i % 2 ? a : b, 'sub', 3)));
    expect(results.reduce((sum, r) => sum + r.granted, 0)).toBe(50);
    // Only the request that crossed the limit gets part of what it asked for.
    expect(results.filter((r) => r.granted > 0 && r.granted < 3).length).toBeLessThanOrEqual(1);
  });

  it('grants part of a request when the window has less left, and again once the window ends', async () => {
    const [a, b] = limiters('window', 5, 1);
    expect((await takeUpTo(a, 'sub', 3)).granted).toBe(3);
    const partial = await takeUpTo(b, 'sub', 3);
    expect(partial.granted).toBe(2);
    const none = await takeUpTo(a, 'sub', 3);
    expect(none.granted).toBe(0);
    expect(none.windowEndsInMs).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, none.windowEndsInMs + 20));
    expect((await takeUpTo(b, 'sub', 5)).granted).toBe(5);
  });
});
