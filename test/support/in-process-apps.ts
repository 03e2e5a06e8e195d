import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { connectEventConsumer } from '@app/events';
import { type NatsServerHarness, TestDatabase } from '@app/testing';
import { AppModule as ConsoleModule } from '../../apps/console/src/app.module.js';
import { configureApp as configureConsole } from '../../apps/console/src/configure-app.js';

/**
 * Several mesh apps booted in this process on one nats-server, each with its own database, for the
 * suites that walk every app's routes (bad input, the audit trail). `close()` stops them newest
 * first and drops their databases.
 */
export class InProcessApps {
  readonly apps: Array<{ name: string; app: INestApplication; url: string }> = [];
  private readonly dbs: TestDatabase[] = [];
  private webDir?: string;

  constructor(
    private readonly nats: NatsServerHarness,
    private readonly adminApiKey: string,
    private readonly logger: LoggerService,
  ) {}

  url(name: string): string {
    return this.apps.find((a) => a.name === name)!.url;
  }

  async db(name: string): Promise<TestDatabase> {
    const d = await TestDatabase.create(name);
    this.dbs.push(d);
    return d;
  }

  /** An app's events config: this server, a fresh database (or `db`), the admin key, short retries. */
  async events(db: string | TestDatabase) {
    const database = typeof db === 'string' ? await this.db(db) : db;
    return { natsServers: [this.nats.url], databaseUrl: database.url, adminApiKey: this.adminApiKey, backoffMs: [200, 400], maxDeliver: 5, ackWaitMs: 5_000 };
  }

  async nest(module: unknown): Promise<INestApplication> {
    return (await Test.createTestingModule({ imports: [module as never] }).compile()).createNestApplication({ logger: this.logger });
  }

  /** Listens on `port` (any free one by default), with the app's event consumer when it has one. */
  async boot(name: string, app: INestApplication, consumer: boolean, port = 0): Promise<string> {
    if (consumer) await connectEventConsumer(app);
    await app.listen(port, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    this.apps.push({ name, app, url });
    return url;
  }

  /** The console over the apps booted so far, serving a one-line page (its API is what is walked). */
  async bootConsole(): Promise<string> {
    this.webDir = mkdtempSync(join(tmpdir(), 'mesh-apps-web-'));
    writeFileSync(join(this.webDir, 'index.html'), '<!doctype html><title>console</title>');
    const apps = this.apps.map((a) => ({ name: a.name, url: a.url }));
    const module = ConsoleModule.forRoot({ events: { natsServers: [this.nats.url], adminApiKey: this.adminApiKey }, console: { apps, webDir: this.webDir } });
    const app = (await Test.createTestingModule({ imports: [module] }).compile()).createNestApplication<NestExpressApplication>({ logger: this.logger });
    return this.boot('console', configureConsole(app), false);
  }

  async close(): Promise<void> {
    for (const a of [...this.apps].reverse()) await a.app.close();
    for (const d of this.dbs) await d.drop();
    if (this.webDir) rmSync(this.webDir, { recursive: true, force: true });
  }
}
