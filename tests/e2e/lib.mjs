// Helpers for the browser tests: a tiny static server for dist/ and a headless Chromium.
// No external server package; the browser is Debian's /usr/bin/chromium driven by
// playwright-core (which never downloads a browser of its own).

import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, stat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = process.env.ACKADEMY_DIST ? resolve(process.env.ACKADEMY_DIST) : join(ROOT, 'dist');
export const RESULTS = join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The sub-path the release is also served under, as on a project page of a static host. */
export const SUB_PATH = '/some/sub-path/ackademy/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Serve `dir` under the URL path `prefix` on 127.0.0.1 on a free port, the way a plain
 * static host does: files only, index.html for directories, 404 for anything else,
 * including every path outside `prefix` (so an absolute asset URL breaks a sub-path test).
 * Resolves to { url, close() }, `url` being the address of the app.
 */
export async function serveStatic({ dir = DIST, prefix = '/' } = {}) {
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`bad prefix ${prefix}`);
  await stat(join(dir, 'index.html')).catch(() => {
    throw new Error(`${dir}/index.html not found: run \`trunk build --release\` first`);
  });
  const server = createServer(async (req, res) => {
    try {
      let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (!path.startsWith(prefix)) throw Object.assign(new Error(), { code: 'ENOENT' });
      path = '/' + path.slice(prefix.length);
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(dir, path));
      if (file !== dir && !file.startsWith(dir + sep)) throw Object.assign(new Error(), { code: 'ENOENT' });
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      const missing = err && (err.code === 'ENOENT' || err.code === 'EISDIR');
      res.writeHead(missing ? 404 : 500, { 'content-type': 'text/plain' });
      res.end(missing ? 'not found' : 'server error');
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/**
 * Start Chromium with a fresh profile. Resolves to { context, close() }.
 */
export async function launchBrowser() {
  const profile = await mkdtemp(join(tmpdir(), 'ackademy-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      // Chromium may still be writing its profile as it exits: retry ENOTEMPTY and the like.
      await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/**
 * For a test file's `describe`: registers the suite's hooks that start one headless
 * Chromium and one static server for dist/ before its tests, and stop both after them.
 * Returns `env`, whose `context` (the browser context) and `url` (the app's address) are
 * there once the tests run (`env.browser` and `env.server` are the handles themselves).
 * `{ serve: false }` starts only the browser; other options go to `serveStatic`.
 */
export function useBrowserAndServer({ serve = true, ...serverOptions } = {}) {
  const env = {
    browser: undefined,
    server: undefined,
    get context() { return env.browser.context; },
    get url() { return env.server.url; },
  };
  before(async () => {
    env.browser = await launchBrowser();
    if (serve) env.server = await serveStatic(serverOptions);
  });
  after(async () => {
    await env.server?.close();
    await env.browser?.close();
  });
  return env;
}

/**
 * Open `url` in a new page and record what goes wrong: uncaught errors, console errors,
 * failed requests and HTTP errors. Resolves to { page, problems }.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** Save a full-page screenshot as test-results/<name>.png and return its path. */
export async function screenshot(page, name) {
  await mkdir(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Save a screenshot of one element (scrolled into view) as test-results/<name>.png. */
export async function screenshotOf(locator, name) {
  await mkdir(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await locator.screenshot({ path });
  return path;
}

// ---- Helpers for the playground -------------------------------------------------------

export const SCENARIOS = join(ROOT, 'tests', 'e2e', 'scenarios');

/** The text of `[data-testid=<id>]`, trimmed. */
export async function text(page, id) {
  return ((await page.getByTestId(id).first().textContent()) ?? '').trim();
}

/** The audit hooks of the page as numbers and strings. */
export async function audit(page) {
  return {
    verdict: await text(page, 'verdict'),
    lost: Number(await text(page, 'audit-lost')),
    duplicated: Number(await text(page, 'audit-duplicated')),
    reordered: Number(await text(page, 'audit-reordered')),
    aborted_read: Number(await text(page, 'audit-aborted-read')),
    trace_hash: await text(page, 'trace-hash'),
  };
}

/** Forgets what the app saved in this browser (autosave, language) for `url`'s origin. */
export async function clearStorage(context, url) {
  const page = await context.newPage();
  await page.goto(new URL('/__nothing__', url).href);
  await page.evaluate(() => localStorage.clear());
  await page.close();
}

/**
 * Opens the app, waits until the first run is on screen. Starts from a clean slate (no
 * autosaved work) unless `keep` is set.
 */
export async function openApp(context, url, { keep = false } = {}) {
  if (!keep) await clearStorage(context, url);
  const opened = await openPage(context, url);
  await opened.page.getByTestId('verdict').waitFor({ state: 'visible' });
  return opened;
}

/** Opens the app with `?scenario=<json>`. */
export async function openScenario(context, base, json, options) {
  return openApp(context, `${base}?scenario=${encodeURIComponent(json)}`, options);
}

/** Problems worth failing a test for (the integrity-preload notice is Chromium's own). */
export function realProblems(problems) {
  return problems.filter((p) => !/integrity/.test(p));
}
