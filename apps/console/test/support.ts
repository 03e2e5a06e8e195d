import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { EventsConfig, EventsService } from '@app/events';
import { waitFor } from '@app/testing';
import { type Mesh, type RunningApp, startMesh, startProducer } from '../../../libs/events/test/support.js';
import { type RunningEventStore, startEventStore, storeTestConfig } from '../../event-store/test/support.js';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/configure-app.js';
import type { MeshApp } from '../src/config/console-env.js';

export const SCREENSHOTS = join('test-output', 'console');

let webDir: string | undefined;

/** Builds the single-page app once per test run into a temp folder, so a stale dist/ never passes. */
export function buildWeb(): string {
  if (!webDir) {
    webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
    execFileSync(process.execPath, ['scripts/build-console-web.js', webDir], { stdio: 'inherit' });
  }
  return webDir;
}

export interface RunningConsole {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

/** The console in this process, set up as main.ts does, serving the page from `webDir`. */
export async function startConsole(events: Partial<EventsConfig>, apps: MeshApp[], webDir: string): Promise<RunningConsole> {
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot({ events, console: { apps, webDir } })] }).compile();
  const app = configureApp(ref.createNestApplication<NestExpressApplication>({ logger: ['error', 'warn'] }));
  await app.listen(0, '127.0.0.1');
  let closed: Promise<void> | undefined;
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => (closed ??= app.close()) };
}

/**
 * Debian's chromium, headless, with nothing running in the background. Playwright gives every launch
 * a fresh temporary profile (it refuses a --user-data-dir argument).
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const LAPTOP = { width: 1366, height: 860 };
export const PHONE = { width: 390, height: 844 };

/**
 * A fresh load of one page of the console (a hash change alone would keep the previous page's
 * state), signing in with `key` when the page asks for it (sessionStorage keeps it per tab).
 */
export async function openRoute(page: Page, consoleUrl: string, route: string, key: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${consoleUrl}/#/${route}`);
  const nav = page.getByRole('navigation', { name: 'Pages' });
  const keyInput = page.getByLabel('Key', { exact: true });
  await nav.or(keyInput).waitFor();
  if (await keyInput.isVisible()) {
    await keyInput.fill(key);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await nav.waitFor();
  }
  await page.locator('h1.page-title').waitFor();
}

/** A full-page screenshot under test-output/console/ (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** A subscriber's endpoint on loopback: records each request and answers 200 with a small JSON body. */
export async function startReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ headers, body });
      res.writeHead(200, { 'content-type': 'application/json', 'x-receiver': 'console-test' });
      res.end(JSON.stringify({ ok: true, n: received.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** How a browser suite's mesh is set up: which apps besides the event-store, and the page's viewport. */
export interface ConsoleMeshOptions {
  /** Prefix of the suite's database (`startMesh`). */
  name: string;
  /** The admin key every app and the page use. */
  key: string;
  /**
   * Starts the suite's other apps on the mesh (each registers its close on `mesh.defer`) and returns
   * the apps the console proxies to and shows on Health. Default: the event-store only.
   */
  apps?: (mesh: ConsoleMeshParts) => Promise<MeshApp[]>;
  colorScheme?: 'light' | 'dark';
  /** Playwright's default wait per step. */
  timeoutMs?: number;
  /** Also fail on the page's `console.error` (failed loads included), not only uncaught errors. */
  consoleErrors?: boolean;
}

/** What every browser suite starts: a private nats-server and database, the event-store, a producer and the console. */
export interface ConsoleMeshParts {
  mesh: Mesh;
  store: RunningEventStore;
  producer: RunningApp;
  /** `{ adminApiKey }`, for the apps a suite starts itself. */
  admin: { adminApiKey: string };
}

export interface ConsoleMesh extends ConsoleMeshParts {
  console: RunningConsole;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors (and console errors with `consoleErrors`) of every watched page: the suite checks it is empty after each test. */
  pageErrors: string[];
  /** Records another tab's errors in `pageErrors` too. */
  watch(tab: Page): void;
  /** Publishes through the library, like any producer of the mesh; resolves to the event's id. */
  publish(type: string, data: unknown, options?: Parameters<EventsService['publishEvent']>[2]): Promise<string>;
  /** Waits until the event-store serves the event. */
  stored(id: string, timeoutMs?: number): Promise<unknown>;
  /** A fresh load of one page of the console, signing in when asked. */
  open(route: string, tab?: Page): Promise<void>;
  /** Closes the browser, then every app (newest first), the nats-server and the database. */
  close(): Promise<void>;
}

/**
 * The set-up every browser suite shares: the page built once, a real mesh (nats-server, PostgreSQL,
 * the event-store and a producer in this process, plus the suite's own apps), the console over them,
 * and chromium with one page whose errors are collected.
 */
export async function startConsoleMesh(options: ConsoleMeshOptions): Promise<ConsoleMesh> {
  const webDir = buildWeb();
  const mesh = await startMesh(options.name);
  const admin = { adminApiKey: options.key };
  const store = await startEventStore(storeTestConfig(mesh.nats, mesh.db, admin));
  mesh.defer(() => store.close());
  const producer = await startProducer(mesh);
  const parts: ConsoleMeshParts = { mesh, store, producer, admin };
  const apps = options.apps ? await options.apps(parts) : [{ name: 'event-store', url: store.url }];
  const consoleApp = await startConsole({ natsServers: [mesh.nats.url], databaseUrl: mesh.db.url, ...admin }, apps, webDir);
  mesh.defer(() => consoleApp.close());
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: LAPTOP, colorScheme: options.colorScheme });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const watch = (tab: Page) => {
    tab.on('pageerror', (err) => pageErrors.push(err.message));
    if (options.consoleErrors) tab.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()} (${m.location().url})`));
  };
  page.setDefaultTimeout(options.timeoutMs ?? 15_000);
  watch(page);
  return {
    ...parts,
    console: consoleApp,
    browser,
    context,
    page,
    pageErrors,
    watch,
    publish: (type, data, publishOptions = {}) => producer.events.publishEvent(type, data, publishOptions).then((r) => r.id),
    stored: (id, timeoutMs = 30_000) =>
      waitFor(async () => (await request(store.url).get(`/events/${id}`).set('X-Api-Key', options.key)).status === 200, { timeoutMs, message: `event ${id} never stored` }),
    open: (route, tab = page) => openRoute(tab, consoleApp.url, route, options.key),
    async close() {
      await browser.close();
      await mesh.close();
    },
  };
}
