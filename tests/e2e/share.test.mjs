// Sharing and keeping work: the compact link round-trips in a fresh browser, the copy
// button copies it, reload keeps the work, the language switch, and the phone layout.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM, audit, launchBrowser, openApp, realProblems, screenshot, text, useBrowserAndServer } from './lib.mjs';

describe('sharing and keeping the work', () => {
  const env = useBrowserAndServer();

  test('the share link opens the same run in a fresh browser', async () => {
    const { page } = await openApp(env.context, env.url);
    let link;
    let mine;
    try {
      await page.getByTestId('pause').click();
      await page.selectOption('[data-config="acks"][data-owner="p1"]', '0');
      await page.getByTestId('scrubber').fill('3000');
      await page.locator('[data-testid=broker-2] .node-hit').click();
      await page.locator('[data-testid=fault-item][data-kind=crash_broker]').waitFor();
      mine = await audit(page);
      mine.time = await text(page, 'time');
      link = await page.getByTestId('share-link').inputValue();
      assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#s=1\.[^&]+&t=3000$/, 'paused at 3 s: the link carries the moment');
      assert.ok(new URL(link).hash.length < 600, `compact: ${new URL(link).hash.length} characters`);
      await env.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.url).origin });
      await page.getByTestId('copy-link').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=copy-link]').textContent.includes('!'));
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    } finally {
      await page.close();
    }
    const fresh = await launchBrowser();
    try {
      const { page: other, problems } = await openApp(fresh.context, link);
      assert.deepEqual({ ...(await audit(other)), time: await text(other, 'time') }, mine, 'same verdict, counts and trace, at the same moment');
      assert.ok(await other.locator('[data-testid=broker-2]').evaluate((g) => g.classList.contains('crashed')), 'the colleague sees broker 2 down, as the sender did');
      assert.equal(await other.locator('[data-config="acks"][data-owner="p1"]').inputValue(), '0');
      assert.equal(await other.getByTestId('load-error').count(), 0);
      assert.deepEqual(realProblems(problems), []);
      await screenshot(other, 'opened-from-share-link');
    } finally {
      await fresh.close();
    }
  });

  test('a link made with a story open opens that story, and the audit says where the lost are', async () => {
    const { page } = await openApp(env.context, env.url);
    let link;
    let story;
    try {
      await page.getByTestId('pause').click();
      // The default scenario's losses were truncated away with the isolated leader's log.
      const split = page.getByTestId('lost-split');
      assert.equal(await split.getAttribute('data-in-log'), '0');
      assert.equal(await split.getAttribute('data-gone'), await text(page, 'audit-lost'));
      await page.getByTestId('audit-lost').click();
      await page.getByTestId('message').nth(2).click();
      story = await page.getByTestId('story').textContent();
      link = await page.getByTestId('share-link').inputValue();
      assert.match(link, /&t=\d+&m=0\.\d+$/, link);
    } finally {
      await page.close();
    }
    const { page: other, problems } = await openApp(env.context, link);
    try {
      assert.equal(await other.getByTestId('story').textContent(), story, 'the same story, open');
      assert.equal(await other.locator('[data-testid=message].selected').count(), 1, 'the lost list is open on it');
      assert.deepEqual(realProblems(problems), []);
      // A message the run never sent is ignored, not an error.
      await other.goto('about:blank');
      await other.goto(link.replace(/&m=[\d.]+$/, '&m=0.99999'));
      await other.getByTestId('verdict').waitFor();
      assert.equal(await other.getByTestId('story').count(), 0);
      assert.equal(await other.getByTestId('load-error').count(), 0);
    } finally {
      await other.close();
    }
  });

  test('quick edits: a reload right after keeps the last one, and the address catches up', async () => {
    const fresh = await launchBrowser();
    const other = await launchBrowser();
    try {
      const { page } = await openApp(fresh.context, env.url);
      await page.getByTestId('pause').click();
      const sel = '[data-config="max.in.flight.requests.per.connection"][data-owner="p1"]';
      await page.fill(sel, '2');
      await page.fill(sel, '3');
      await page.fill(sel, '4');
      // The address is written at most twice a second; the autosave at once.
      await page.reload();
      await page.getByTestId('verdict').waitFor();
      assert.equal(await page.locator(sel).inputValue(), '4', 'the last edit survived the reload');
      await page.waitForFunction(() => /#s=1\./.test(location.hash));
      await page.waitForTimeout(500);
      // The address alone (another browser, nothing saved) is the same work.
      const { page: elsewhere } = await openApp(other.context, page.url());
      assert.equal(await elsewhere.locator(sel).inputValue(), '4');
      assert.equal(await text(elsewhere, 'trace-hash'), await text(page, 'trace-hash'));
    } finally {
      await fresh.close();
      await other.close();
    }
  });

  test('reload keeps the work (autosave)', async () => {
    const fresh = await launchBrowser();
    try {
      const { page } = await openApp(fresh.context, env.url);
      await page.selectOption('[data-config="acks"][data-owner="p1"]', 'all');
      assert.equal(await text(page, 'verdict'), 'exactly-once');
      await page.reload();
      await page.getByTestId('verdict').waitFor();
      assert.equal(await text(page, 'verdict'), 'exactly-once');
      assert.equal(await page.locator('[data-config="acks"][data-owner="p1"]').inputValue(), 'all');
      // Also from the bare address in another tab.
      const { page: again } = await openApp(fresh.context, env.url, { keep: true });
      assert.equal(await text(again, 'verdict'), 'exactly-once');
    } finally {
      await fresh.close();
    }
  });

  test('the language switch shows Korean and is remembered', async () => {
    const fresh = await launchBrowser();
    try {
      const { page } = await openApp(fresh.context, env.url);
      await page.selectOption('[data-testid=locale]', 'ko');
      await page.waitForFunction(() => document.querySelector('[data-testid=app-tagline]').textContent.includes('카프카'));
      assert.match(await text(page, 'app-tagline'), /유실/);
      assert.match(await page.locator('#audit-title').textContent(), /감사/);
      assert.match(await page.getByTestId('play').textContent(), /재생/);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
      assert.equal(await text(page, 'verdict'), 'at-most-once', 'verdicts keep the contract spelling');
      await screenshot(page, 'korean');
      await page.reload();
      await page.getByTestId('verdict').waitFor();
      assert.equal(await page.getByTestId('locale').inputValue(), 'ko');
    } finally {
      await fresh.close();
    }
  });

  test('a browser set to Korean opens in Korean', async () => {
    const ko = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const context = await ko.newContext({ locale: 'ko-KR' });
      const page = await context.newPage();
      await page.goto(env.url);
      await page.getByTestId('verdict').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid=locale]').value === 'ko');
      assert.match(await text(page, 'app-tagline'), /카프카/);
    } finally {
      await ko.close();
    }
  });

  test('a phone gets a stacked layout without sideways scrolling', async () => {
    const fresh = await launchBrowser();
    try {
      const page = await fresh.context.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(env.url);
      await page.getByTestId('verdict').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no horizontal overflow (${overflow}px)`);
      // The cluster is drawn stacked to fit: producers on top, brokers, consumers below,
      // every log strip inside the screen, nothing to scroll sideways.
      const cluster = page.getByTestId('cluster');
      assert.equal(await cluster.getAttribute('data-stacked'), 'true');
      const scrollable = await page.evaluate(() => {
        const w = document.querySelector('.cluster-wrap');
        return w.scrollWidth - w.clientWidth;
      });
      assert.ok(scrollable <= 1, `nothing scrolls sideways inside the cluster's panel (${scrollable}px)`);
      const box = async (id) => page.getByTestId(id).boundingBox();
      const [p, b0, b2, c] = [await box('producer-0'), await box('broker-0'), await box('broker-2'), await box('consumer-0')];
      assert.ok(p.y + p.height <= b0.y, 'the producer is above the brokers');
      assert.ok(b2.y + b2.height <= c.y, 'the consumer is below the brokers');
      const strips = await page.locator('.cluster-svg rect.strip').evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().right));
      assert.ok(strips.length === 9 && strips.every((r) => r <= 390), `every strip within the screen: ${strips}`);
      const font = await page.locator('.cluster-svg .tp').first().evaluate((t) => t.getBoundingClientRect().height);
      assert.ok(font >= 10, `partition names readable (${font}px high)`);
      await screenshot(page, 'phone');
      // Crashing a broker by tapping it works there too.
      await page.getByTestId('broker-1').locator('.broker-box').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=broker-1]').classList.contains('crashed'));
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.waitForFunction(() => document.querySelector('[data-testid=cluster]').dataset.stacked === 'false');
      assert.ok(await page.getByTestId('broker-1').evaluate((g) => g.classList.contains('crashed')), 'the fault stays when the drawing changes');
    } finally {
      await fresh.close();
    }
  });
});
