import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { Api } from './api';
import { buildWebIfMissing, type ChromiumOptions, launchChromium } from './browser';
import { type ControllerProc, type Proc, ROOT, startControllerProcess, tmpDir } from './processes';

export const ADMIN_PASSWORD = 'mat-khau-thu-nghiem';
/** Where the admin UI tests leave their screenshots, for people to look at after a run. */
export const UI_SHOTS = path.join(ROOT, 'test-artifacts/ui');

/** Fills the login form on `page` and waits for the signed-in layout (its logout button). */
export async function loginThroughUi(page: Page, username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

export interface AdminUi {
  controller: ControllerProc;
  /** The controller's data folder (its database is `bangtin.sqlite` there). */
  controllerDir: string;
  /** The REST API, signed in as admin. */
  api: Api;
  context: BrowserContext;
  /** The browser's first tab; blank until `open()`. */
  page: Page;
  /** Loads the admin app (or one of its paths) in `page`. */
  open(pathname?: string): Promise<void>;
  /** Signs in through the login form in `page`; admin by default. */
  login(username?: string, password?: string): Promise<void>;
  /** Follows a navigation link and waits for the screen's own heading (screens load lazily). */
  nav(link: string, heading: string): Promise<void>;
  /** A full-page screenshot of `page` as `test-artifacts/ui/<name>.png`. */
  shot(name: string): Promise<void>;
  /** Killed (SIGKILL) by `close()`, like the controller: players a test starts. */
  track<P extends Proc>(proc: P): P;
  /** Closes the browser and kills the controller and every tracked process. */
  close(): Promise<void>;
}

/**
 * The admin UI as staff use it: the web build (built if missing), a real controller process on a
 * fresh data folder, and Debian's Chromium at an office screen's size, in Vietnamese and Vietnam's
 * time zone. `name` prefixes the temp folders; `browser` overrides the launch options.
 */
export async function startAdminUi(opts: { name: string; browser?: ChromiumOptions }): Promise<AdminUi> {
  buildWebIfMissing();
  fs.mkdirSync(UI_SHOTS, { recursive: true });
  const controllerDir = tmpDir(`${opts.name}-controller`);
  const controller = await startControllerProcess({ dataDir: controllerDir, adminPassword: ADMIN_PASSWORD });
  const procs: Proc[] = [controller];
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close();
    await Promise.all(procs.map((p) => p.kill9()));
  };
  try {
    const api = await new Api(controller.url).login('admin', ADMIN_PASSWORD);
    context = await launchChromium(tmpDir(`${opts.name}-chromium`), {
      viewport: { width: 1366, height: 768 },
      acceptDownloads: true,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      ...opts.browser,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      controller,
      controllerDir,
      api,
      context,
      page,
      open: async (pathname = '/') => void (await page.goto(new URL(pathname, controller.url).href)),
      login: (username, password) => loginThroughUi(page, username, password),
      nav: async (link, heading) => {
        await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
        await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
      },
      shot: async (name) => void (await page.screenshot({ path: path.join(UI_SHOTS, `${name}.png`), fullPage: true })),
      track: (proc) => {
        procs.push(proc);
        return proc;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
