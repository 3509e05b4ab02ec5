// Browser benchmarks (not part of the test run): re-simulation after a settings change,
// animation frame time with hundreds of messages on the wire, first render, wasm size.
// Measured in headless Chromium against the release build in dist/.
//
//   node tests/e2e/bench.mjs            prints a Markdown table for BENCHMARKS.md

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, DIST, ROOT, clearStorage, launchBrowser, serveStatic } from './lib.mjs';

const BENCH = join(ROOT, 'tests', 'e2e', 'bench');
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x) => x.toFixed(2);

const server = await serveStatic();
const browser = await launchBrowser();
const rows = [];
try {
  // 1. Re-simulation after a settings change: 3 brokers, 1,000 messages. The app times
  //    every re-run with performance.now(): the engine (checks, simulation, audit), the
  //    timeline and the page's indexes, and installing it (layout, cluster state), up to
  //    the DOM update.
  {
    const json = readFileSync(join(BENCH, 'resim-1000.json'), 'utf8');
    await clearStorage(browser.context, server.url);
    const page = await browser.context.newPage();
    await page.goto(`${server.url}?scenario=${encodeURIComponent(json)}`);
    await page.getByTestId('verdict').waitFor();
    await page.getByTestId('pause').click();
    await page.evaluate(() => { window.__ackademyRuns = []; window.__ackademyRunParts = []; });
    const sel = '[data-config="max.in.flight.requests.per.connection"][data-owner="p1"]';
    const N = 200;
    for (let i = 0; i < N; i++) {
      await page.fill(sel, String(1 + (i % 5)));
    }
    const runs = await page.evaluate(() => window.__ackademyRuns);
    const parts = await page.evaluate(() => window.__ackademyRunParts);
    const part = (k) => parts.map((p) => p[k]);
    // Whole update as the user sees it: input event to the verdict being current.
    const whole = await page.evaluate(async () => {
      const input = document.querySelector('[data-config="max.in.flight.requests.per.connection"][data-owner="p1"]');
      const out = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        input.value = String(1 + (i % 5));
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => r()));
        out.push(performance.now() - t0);
      }
      return out;
    });
    rows.push(['Re-simulation after a settings change (3 brokers, 1,000 messages): the whole re-run before the DOM update, p50 / p95', `${fmt(pct(runs, 50))} / ${fmt(pct(runs, 95))} ms (${runs.length} runs)`, 'p95 < 2 ms']);
    rows.push(['… of which the engine (checks, simulation, audit) / timeline and indexes / layout and cluster state, p50 (p95)', ['engine', 'timeline', 'install'].map((_, k) => `${fmt(pct(part(k), 50))} (${fmt(pct(part(k), 95))})`).join(' / ') + ' ms', '—']);
    rows.push(['… the same change until the next frame is drawn (input → rAF), p50 / p95', `${fmt(pct(whole, 50))} / ${fmt(pct(whole, 95))} ms`, '—']);
    await page.close();
  }

  // 2. Animation with hundreds of messages on the wire.
  {
    const json = readFileSync(join(BENCH, 'busy-wire.json'), 'utf8');
    await clearStorage(browser.context, server.url);
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(`${server.url}?scenario=${encodeURIComponent(json)}`);
    await page.getByTestId('verdict').waitFor();
    await page.getByTestId('pause').click();
    await page.getByTestId('scrubber').fill('12200');
    // Slow enough that messages visibly move; every frame redraws.
    await page.locator('[data-testid=speed]').fill('-1');
    await page.evaluate(() => { window.__ackademyFrames = []; });
    await page.getByTestId('play').click();
    const { deltas, counts } = await page.evaluate(() => new Promise((done) => {
      const deltas = []; const counts = []; let last = 0; const until = performance.now() + 3000;
      const loop = (ts) => {
        if (last) deltas.push(ts - last);
        last = ts;
        counts.push(window.__ackademyInFlight || 0);
        if (ts < until) requestAnimationFrame(loop); else done({ deltas, counts });
      };
      requestAnimationFrame(loop);
    }));
    const work = await page.evaluate(() => window.__ackademyFrames);
    const inFlight = `${pct(counts, 50)} (median; ${Math.min(...counts)}–${Math.max(...counts)})`;
    await page.getByTestId('pause').click();
    rows.push([`Animation, ${inFlight} messages in flight (9 brokers, 64 partitions): frame interval p50 / p95`, `${fmt(pct(deltas, 50))} / ${fmt(pct(deltas, 95))} ms (${deltas.length} frames)`, 'p95 ≤ 16.7 ms']);
    rows.push(['… work per frame in the app (advance time, cluster state, canvas), p50 / p95', `${fmt(pct(work, 50))} / ${fmt(pct(work, 95))} ms`, '—']);

    // At 1× the cluster's logs change every frame too (replica rows re-rendered): frame
    // intervals and how many DOM changes that makes per second.
    await page.getByTestId('scrubber').fill('12200');
    await page.locator('[data-testid=speed]').fill('0');
    await page.getByTestId('play').click();
    const fast = await page.evaluate(() => new Promise((done) => {
      const deltas = []; let last = 0; let mutations = 0; const until = performance.now() + 3000;
      const obs = new MutationObserver((ms) => { mutations += ms.length; });
      obs.observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
      const loop = (ts) => {
        if (last) deltas.push(ts - last);
        last = ts;
        if (ts < until) requestAnimationFrame(loop); else { obs.disconnect(); done({ deltas, mutations: mutations / 3 }); }
      };
      requestAnimationFrame(loop);
    }));
    await page.getByTestId('pause').click();
    rows.push(['… the same at 1× (the logs grow every frame): frame interval p50 / p95, DOM changes per second', `${fmt(pct(fast.deltas, 50))} / ${fmt(pct(fast.deltas, 95))} ms, ${Math.round(fast.mutations)} changes/s`, 'p95 ≤ 16.7 ms']);
    await page.close();
  }

  // 3. First render from navigation (localhost): the verdict is in the DOM.
  {
    const times = [];
    const stages = [];
    const paints = [];
    for (let i = 0; i < 7; i++) {
      await clearStorage(browser.context, server.url);
      const page = await browser.context.newPage();
      await page.addInitScript(() => {
        new MutationObserver((_, obs) => {
          if (document.querySelector('[data-testid=verdict]')) { window.__firstRender = performance.now(); obs.disconnect(); }
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(server.url);
      await page.getByTestId('verdict').waitFor();
      times.push(await page.evaluate(() => window.__firstRender));
      // Where it went: the wasm downloaded, `main` entered, the first run started and ended
      // (the app's performance marks), the verdict in the DOM.
      stages.push(await page.evaluate(() => {
        const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
        const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
        return [wasm?.responseEnd ?? NaN, mark('ackademy-main'), mark('ackademy-run-start'), mark('ackademy-ready'), window.__firstRender];
      }));
      // The first paint (the browser's first-contentful-paint): when the learner sees it.
      paints.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
      await page.close();
    }
    rows.push(['First render from navigation on localhost (default scenario, verdict in the DOM), median of 7', `${fmt(pct(times, 50))} ms (min ${fmt(Math.min(...times))}, max ${fmt(Math.max(...times))})`, '≤ 150 ms']);
    rows.push(['… the first paint with the verdict on screen (first-contentful-paint), median of 7', `${fmt(pct(paints, 50))} ms (min ${fmt(Math.min(...paints))}, max ${fmt(Math.max(...paints))})`, '≤ 150 ms']);
    const stage = (k) => pct(stages.map((s) => (k === 0 ? s[0] : s[k] - s[k - 1])), 50);
    rows.push(['… medians: wasm downloaded / compiled and started / mount, locale, storage / first run of the engine / page built until the verdict is in the DOM', [0, 1, 2, 3, 4].map((k) => fmt(stage(k))).join(' / ') + ' ms', '—']);
  }

  // 3b. The same from a new browser context each time (Playwright's usual set-up for a
  //     test): no HTTP cache and no compiled code cached from an earlier visit, so the
  //     wasm is compiled function by function as it first runs. The loads above reuse one
  //     context that has already run the app, as a returning visitor's browser would.
  {
    const cold = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const times = [];
    const paints = [];
    const stages = [];
    try {
      for (let i = 0; i < 7; i++) {
        const context = await cold.newContext({ viewport: { width: 1280, height: 800 } });
        await context.addInitScript(() => {
          new MutationObserver((_, obs) => {
            if (document.querySelector('[data-testid=verdict]')) { window.__firstRender = performance.now(); obs.disconnect(); }
          }).observe(document, { childList: true, subtree: true });
        });
        const page = await context.newPage();
        await page.goto(server.url);
        await page.getByTestId('verdict').waitFor();
        await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
        const [t, p, s] = await page.evaluate(() => {
          const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
          const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
          return [window.__firstRender, performance.getEntriesByName('first-contentful-paint')[0].startTime,
            [wasm?.responseEnd ?? NaN, mark('ackademy-main'), mark('ackademy-run-start'), mark('ackademy-ready'), window.__firstRender]];
        });
        times.push(t); paints.push(p); stages.push(s);
        await context.close();
      }
    } finally {
      await cold.close();
    }
    rows.push(['… the same in a new browser context each time (no cache: the wasm compiled as it first runs), verdict in the DOM / first-contentful-paint, medians of 7', `${fmt(pct(times, 50))} ms (min ${fmt(Math.min(...times))}) / ${fmt(pct(paints, 50))} ms (min ${fmt(Math.min(...paints))})`, '≤ 150 ms']);
    const stage = (k) => pct(stages.map((s) => (k === 0 ? s[0] : s[k] - s[k - 1])), 50);
    rows.push(['… its medians: wasm downloaded / compiled and started / mount, locale, storage / first run of the engine / page built until the verdict is in the DOM', [0, 1, 2, 3, 4].map((k) => fmt(stage(k))).join(' / ') + ' ms', '—']);
  }

  // 4. Size.
  const wasm = readdirSync(DIST).find((f) => f.endsWith('.wasm'));
  const bytes = readFileSync(join(DIST, wasm));
  const js = readdirSync(DIST).find((f) => f.endsWith('.js'));
  rows.push(['Release wasm, gzip -9', `${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB (${(statSync(join(DIST, wasm)).size / 1024).toFixed(0)} KiB raw; JS glue ${(gzipSync(readFileSync(join(DIST, js)), { level: 9 }).length / 1024).toFixed(1)} KiB gzipped)`, '≤ 200 KB']);
} finally {
  await browser.close();
  await server.close();
}

console.log('| measure | result | target |');
console.log('|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
