import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { EventsConfig } from '@app/events';
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
