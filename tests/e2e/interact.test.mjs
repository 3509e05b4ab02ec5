// Interactions: settings re-run the engine at once (and Kafka's refusals are shown, not
// fixed), faults by clicking the cluster, the timeline and the keyboard.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS, audit, openApp, openScenario, realProblems, screenshot, text, useBrowserAndServer } from './lib.mjs';

const seconds = async (page) => Number((await text(page, 'time')).match(/[\d.]+/)[0]);

describe('interacting with the playground', () => {
  const env = useBrowserAndServer();

  test('enable.idempotence makes the duplicates of a lost response disappear', async () => {
    const json = readFileSync(join(SCENARIOS, 'lost-response.json'), 'utf8');
    const { page, problems } = await openScenario(env.context, env.url, json);
    try {
      const before = await audit(page);
      assert.equal(before.verdict, 'at-least-once');
      assert.ok(before.duplicated > 0, 'the retried batch is stored and processed twice');
      const idem = page.locator('[data-config="enable.idempotence"][data-owner="p1"]');
      assert.equal(await idem.isChecked(), false);
      await idem.check();
      const after = await audit(page);
      assert.equal(after.verdict, 'exactly-once');
      assert.equal(after.duplicated, 0);
      assert.notEqual(after.trace_hash, before.trace_hash);

      // Kafka refuses idempotence with acks=1: the message is shown, the last run stays.
      await page.selectOption('[data-config="acks"][data-owner="p1"]', '1');
      const err = page.getByTestId('setting-error');
      await err.waitFor({ state: 'visible' });
      assert.match(await err.textContent(), /Must set acks to all in order to use the idempotent producer/);
      assert.equal(await text(page, 'verdict'), 'exactly-once', 'the last valid run stays on screen');
      assert.equal(await text(page, 'trace-hash'), after.trace_hash);
      await screenshot(page, 'kafka-refuses-idempotence-with-acks-1');

      // Leaving idempotence to Kafka's default resolves it: acks=1 turns it off silently.
      await page.locator('[data-config="enable.idempotence"][data-owner="p1"] + button.unset, [data-config="enable.idempotence"][data-owner="p1"] ~ button.unset').first().click();
      await err.waitFor({ state: 'detached' });
      assert.equal(await idem.isChecked(), false, 'the default with acks=1 is no idempotence');
      assert.equal(await text(page, 'verdict'), 'at-least-once');
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('every setting control carries its Kafka name and owner', async () => {
    const { page } = await openApp(env.context, env.url);
    try {
      for (const [config, owner] of [
        ['acks', 'p1'], ['enable.idempotence', 'p1'], ['max.in.flight.requests.per.connection', 'p1'],
        ['transactional.id', 'p1'], ['retries', 'p1'], ['linger.ms', 'p1'], ['batch.size', 'p1'],
        ['delivery.timeout.ms', 'p1'], ['request.timeout.ms', 'p1'],
        ['min.insync.replicas', 'orders'], ['replication.factor', 'orders'], ['partitions', 'orders'],
        ['unclean.leader.election.enable', 'cluster'],
        ['isolation.level', 'c1'], ['enable.auto.commit', 'c1'], ['auto.commit.interval.ms', 'c1'],
        ['auto.offset.reset', 'c1'], ['max.poll.records', 'c1'], ['session.timeout.ms', 'c1'],
      ]) {
        const el = page.locator(`[data-config="${config}"][data-owner="${owner}"]`);
        assert.equal(await el.count(), 1, `${config} of ${owner}`);
        assert.ok(await el.isVisible(), `${config} of ${owner} is visible`);
      }
      // acks=all fixes the default scenario; a number input re-runs too.
      await page.selectOption('[data-config="acks"][data-owner="p1"]', 'all');
      assert.equal(await text(page, 'verdict'), 'exactly-once');
      await page.fill('[data-config="min.insync.replicas"][data-owner="orders"]', '4');
      assert.match(await text(page, 'audit-acked'), /^\d+$/);
      await page.fill('[data-config="replication.factor"][data-owner="orders"]', '4');
      await page.getByTestId('setting-error').waitFor({ state: 'visible' });
      assert.match(await page.getByTestId('setting-error').textContent(), /replication factor: 4 larger than available brokers: 3/);
    } finally {
      await page.close();
    }
  });

  test("a processor's commit.interval.ms shows Kafka Streams' default for its guarantee", async () => {
    const json = JSON.stringify({
      version: 1, topics: [{ name: 'a' }, { name: 'b' }],
      producers: [{ id: 'p1', topic: 'a', messages: 5 }],
      processors: [{ id: 'etl', group: 'etl', from: 'a', to: 'b' }],
    });
    const { page } = await openScenario(env.context, env.url, json);
    try {
      const field = page.locator('[data-config="commit.interval.ms"][data-owner="etl"]');
      const help = page.locator('.setting', { has: field }).locator('.default');
      assert.equal((await help.textContent()).trim(), 'Default: 30000.');
      await page.selectOption('[data-config="processing.guarantee"][data-owner="etl"]', 'exactly_once_v2');
      await page.waitForFunction(() => /100\./.test(document.querySelector('.setting:has([data-config="commit.interval.ms"]) .default').textContent));
      assert.equal((await help.textContent()).trim(), 'Default: 100.');
      assert.equal(await field.inputValue(), '100');
    } finally {
      await page.close();
    }
  });

  test('clicking a broker crashes it at the current time, clicking again restarts it', async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      const before = await audit(page);
      const faults = await page.getByTestId('fault-item').count();
      await page.getByTestId('scrubber').fill('2000');
      await page.locator('[data-testid=broker-1] .node-hit').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fault-item]').length === n + 1, faults);
      const item = page.locator('[data-testid=fault-item][data-kind=crash_broker]');
      assert.equal(await item.count(), 1);
      assert.match(await item.textContent(), /2\.00/);
      assert.match(await page.getByTestId('broker-1').getAttribute('class'), /crashed/);
      assert.notEqual(await text(page, 'trace-hash'), before.trace_hash, 'the run forked');
      await screenshot(page, 'broker-1-crashed');

      await page.getByTestId('scrubber').fill('12000');
      await page.locator('[data-testid=broker-1] .node-hit').click();
      await page.locator('[data-testid=fault-item][data-kind=restart_broker]').waitFor();
      assert.doesNotMatch(await page.getByTestId('broker-1').getAttribute('class'), /crashed/);

      // The isolate button cuts the broker's links; removing the fault undoes it.
      await page.getByTestId('isolate-2').click();
      const isolate2 = page.locator('[data-testid=fault-item][data-kind=isolate_broker]', { hasText: 'b2' });
      await isolate2.waitFor();
      assert.match(await page.getByTestId('broker-2').getAttribute('class'), /isolated/);
      const n = await page.getByTestId('fault-item').count();
      await isolate2.getByTestId('fault-remove').click();
      await page.waitForFunction((k) => document.querySelectorAll('[data-testid=fault-item]').length === k - 1, n);

      // Clicking a broker's link to the others cuts it too.
      await page.getByTestId('link-1').click({ force: true });
      await page.locator('[data-testid=fault-item][data-kind=isolate_broker]', { hasText: 'b1' }).waitFor();
      assert.match(await page.getByTestId('broker-1').getAttribute('class'), /isolated/);

      // A producer click pauses it (the zombie case).
      await page.locator('[data-testid=producer-0] [role=button]').first().click();
      await page.locator('[data-testid=fault-item][data-kind=pause_producer]').waitFor();
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('clicking a produce request in flight drops it', async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      const canvas = page.locator('canvas.flights');
      // Step through events until a produce request or ack is on the wire.
      let spot = '';
      for (let i = 0; i < 200 && !spot; i++) {
        await page.getByTestId('step').click();
        await page.waitForTimeout(20);
        spot = ((await canvas.getAttribute('data-droppable')) || '').split(' ')[0];
      }
      assert.ok(spot, 'a produce request or ack is in flight');
      const [x, y] = spot.split(',').map(Number);
      const before = await page.getByTestId('fault-item').count();
      await page.locator('svg.cluster-svg').click({ position: { x, y } });
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fault-item]').length === n + 1, before);
      const kinds = await page.locator('[data-testid=fault-item]').evaluateAll((els) => els.map((e) => e.dataset.kind));
      assert.ok(kinds.some((k) => k === 'drop_produce_requests' || k === 'drop_produce_responses'), kinds.join());
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('the fault palette adds any kind of fault', async () => {
    const { page } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      const n = await page.getByTestId('fault-item').count();
      await page.selectOption('[data-testid=fault-kind]', 'drop_produce_responses');
      assert.equal(await page.locator('[data-testid=fault-item][data-kind=drop_produce_responses]').count(), 0);
      await page.fill('[data-testid=fault-at]', '1500');
      await page.getByTestId('fault-add').click();
      const item = page.locator('[data-testid=fault-item][data-kind=drop_produce_responses]');
      await item.waitFor();
      assert.match(await item.textContent(), /p1 × 1/);
      assert.equal(await page.getByTestId('fault-item').count(), n + 1);
    } finally {
      await page.close();
    }
  });

  test('a change that cannot run says so above the cluster, and can be undone', async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      // Nothing to aim at: the default scenario has no processor to crash.
      await page.selectOption('[data-testid=fault-kind]', 'crash_processor');
      assert.ok(await page.getByTestId('fault-add').isDisabled(), 'no processor, no crash_processor to add');
      await page.selectOption('[data-testid=fault-kind]', 'crash_broker');
      assert.ok(!(await page.getByTestId('fault-add').isDisabled()));

      // A time beyond the playground's limit: the last run stays, and the banner says why
      // where the learner is looking (not as a Kafka refusal: it is the playground's limit).
      const before = await audit(page);
      const field = page.locator('[data-testid=fault-item][data-kind=isolate_broker]').getByTestId('fault-time');
      await field.fill('99999999');
      const banner = page.getByTestId('stale-run');
      await banner.waitFor();
      assert.match(await banner.textContent(), /cannot run.*faults\[0\]\.at_ms/s);
      assert.doesNotMatch(await banner.textContent(), /Kafka refuses/);
      const bannerBox = await banner.boundingBox();
      const clusterBox = await page.getByTestId('cluster').boundingBox();
      assert.ok(bannerBox.y < clusterBox.y, 'the banner is above the cluster');
      assert.equal((await audit(page)).trace_hash, before.trace_hash, 'the last valid run stays');
      await screenshot(page, 'stale-run');

      // Undo: the draft goes back to the run on screen.
      await page.getByTestId('discard-edit').click();
      await banner.waitFor({ state: 'detached' });
      assert.equal(await field.inputValue(), '4000');

      // A Kafka refusal is named as one.
      await page.locator('[data-config="enable.idempotence"][data-owner="p1"]').check();
      await banner.waitFor();
      assert.match(await banner.textContent(), /Kafka refuses/);
      await page.getByTestId('discard-edit').click();
      await banner.waitFor({ state: 'detached' });
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('a green verdict says what it does not count: per-key order, messages never answered', async () => {
    const json = readFileSync(join(SCENARIOS, 'reorder.json'), 'utf8');
    const { page } = await openScenario(env.context, env.url, json);
    try {
      const a = await audit(page);
      assert.ok(a.reordered > 0, `the scenario reorders: ${JSON.stringify(a)}`);
      const caveats = await page.getByTestId('verdict-caveat').allTextContents();
      assert.ok(caveats.some((c) => c.includes(`${a.reordered} messages`) && /order/.test(c)), caveats.join(' | '));
    } finally {
      await page.close();
    }
    const empty = await openScenario(env.context, env.url, '{"version":1}');
    try {
      assert.match((await empty.page.getByTestId('verdict-caveat').allTextContents()).join(' '), /Nothing was sent/);
    } finally {
      await empty.page.close();
    }
    // Every broker down for good: acks=all writes stay in the logs (exactly-once), the
    // rest expire after delivery.timeout.ms and their producer is told: said, with the
    // fact that no consumer processed anything.
    const down = await openScenario(env.context, env.url, JSON.stringify({
      version: 1, seed: 1, until_ms: 200000, cluster: { brokers: 3 },
      topics: [{ name: 't', partitions: 1, 'replication.factor': 3, 'min.insync.replicas': 2 }],
      producers: [{ id: 'p1', topic: 't', messages: 20, interval_ms: 100, config: { acks: 'all' } }],
      faults: [0, 1, 2].map((broker) => ({ at_ms: 1000, kind: 'crash_broker', broker })),
    }));
    try {
      const a = await audit(down.page);
      assert.equal(a.verdict, 'exactly-once', JSON.stringify(a));
      const caveats = (await down.page.getByTestId('verdict-caveat').allTextContents()).join(' | ');
      assert.match(caveats, /No consumer reads these messages/);
      assert.match(caveats, /10 messages failed, and their producer was told so/);
    } finally {
      await down.page.close();
    }
  });

  test("a fault's time is edited in place: the run and its marker follow, the list stays in order", async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      const faultMarks = () => page.locator('[data-testid=mark][data-kind=fault]').evaluateAll((els) => els.map((e) => Number(e.dataset.t)));
      const kinds = () => page.locator('[data-testid=fault-item]').evaluateAll((els) => els.map((e) => e.dataset.kind));
      const before = await audit(page);
      assert.equal(before.verdict, 'at-most-once');
      assert.deepEqual(await kinds(), ['isolate_broker', 'heal']);
      const isolate = page.locator('[data-testid=fault-item][data-kind=isolate_broker]');
      const field = isolate.getByTestId('fault-time');
      assert.equal(await field.inputValue(), '4000');
      assert.match(await field.getAttribute('aria-label'), /isolate_broker b0/);
      assert.ok((await faultMarks()).includes(4000), 'a fault mark at 4 s');

      // ↑ moves it by 100 ms: the engine re-runs at once, the field keeps the focus.
      await field.focus();
      await page.keyboard.press('ArrowUp');
      await page.waitForFunction((h) => document.querySelector('[data-testid=trace-hash]').textContent.trim() !== h, before.trace_hash);
      assert.equal(await field.inputValue(), '4100');
      assert.equal(await field.evaluate((el) => el === document.activeElement), true, 'the field keeps the focus');
      assert.match(await isolate.getByTestId('fault-seek').textContent(), /4\.10/);
      let marks = await faultMarks();
      assert.ok(marks.includes(4100) && !marks.includes(4000), `the mark moved to 4.1 s: ${marks}`);

      // Typed: the isolation after the last send (20 s) loses nothing, and its mark moves.
      const moved = await text(page, 'trace-hash');
      await field.fill('25000');
      await page.waitForFunction((h) => document.querySelector('[data-testid=trace-hash]').textContent.trim() !== h, moved);
      const after = await audit(page);
      assert.equal(after.lost, 0, 'acknowledged writes were all replicated before the isolation');
      assert.equal(after.verdict, 'exactly-once');
      marks = await faultMarks();
      assert.ok(marks.includes(25000) && !marks.includes(4100), `the mark moved to 25 s: ${marks}`);
      assert.deepEqual(await kinds(), ['isolate_broker', 'heal'], 'no reordering while the list is being edited');
      await screenshot(page, 'fault-time-edited');

      // Leaving the list puts it back in time order; the run does not change (no re-run).
      const runs = await page.evaluate(() => window.__ackademyRuns.length);
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.waitForFunction(() => document.querySelector('[data-testid=fault-item]').dataset.kind === 'heal');
      assert.deepEqual(await kinds(), ['heal', 'isolate_broker']);
      assert.equal(await text(page, 'trace-hash'), after.trace_hash);
      assert.equal(await page.evaluate(() => window.__ackademyRuns.length), runs, 'sorting did not re-run the engine');

      // Something that is not a time shows the time in force again.
      const heal = page.locator('[data-testid=fault-item][data-kind=heal]').getByTestId('fault-time');
      await heal.fill('');
      await heal.press('Tab');
      assert.equal(await heal.inputValue(), '16000');

      // Removed with the keyboard: the focus goes to the next fault's remove button.
      const removeHeal = page.locator('[data-testid=fault-item][data-kind=heal]').getByTestId('fault-remove');
      await removeHeal.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=fault-item]').length === 1);
      await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'fault-remove');
      assert.notEqual(await text(page, 'trace-hash'), after.trace_hash);

      // Korean labels.
      await page.selectOption('[data-testid=locale]', 'ko');
      await page.waitForFunction(() => /시각/.test(document.querySelector('[data-testid=fault-time]').getAttribute('aria-label')));
      await page.selectOption('[data-testid=locale]', 'en');
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test("a fault's handle on the timeline drags it in time, or moves with the arrow keys", async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      const before = await audit(page);
      const isolateTime = page.locator('[data-testid=fault-item][data-kind=isolate_broker]').getByTestId('fault-time');
      const handle = page.getByTestId('fault-handle').first();
      assert.equal(await page.getByTestId('fault-handle').count(), 2);
      assert.match(await handle.getAttribute('aria-label'), /isolate_broker b0/);
      assert.equal(await handle.getAttribute('aria-valuenow'), '4000');

      // Drag it to 40 % of the run, still before the heal (the scale stays that of the run the drag began on).
      const endMs = Number((await text(page, 'time')).split('/')[1].replace(/[^\d.]/g, '')) * 1000;
      const track = await page.locator('.fault-handles').boundingBox();
      const box = await handle.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(track.x + track.width * 0.3, box.y + box.height / 2, { steps: 4 });
      await page.mouse.move(track.x + track.width * 0.4, box.y + box.height / 2, { steps: 4 });
      await page.mouse.up();
      const dragged = Number(await isolateTime.inputValue());
      assert.ok(Math.abs(dragged - endMs * 0.4) <= endMs / 100, `dragged to 40 % of ${endMs} ms: ${dragged}`);
      assert.equal(Number(await handle.getAttribute('aria-valuenow')), dragged);
      const after = await audit(page);
      assert.notEqual(after.trace_hash, before.trace_hash, 'the run follows the drag');
      const marks = await page.locator('[data-testid=mark][data-kind=fault]').evaluateAll((els) => els.map((e) => Number(e.dataset.t)));
      assert.ok(marks.includes(dragged) && !marks.includes(4000), `the mark moved: ${marks}`);
      await screenshot(page, 'fault-handle-dragged');

      // Keyboard: → is 100 ms, Shift+→ a second; the timeline's own arrow keys stay put.
      const seconds0 = await text(page, 'time');
      await handle.focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Shift+ArrowRight');
      assert.equal(Number(await isolateTime.inputValue()), dragged + 1100);
      assert.equal(await text(page, 'time'), seconds0, 'the arrows moved the fault, not the time');
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('the timeline scrubs, steps, plays, pauses, resets and runs to the end', async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      await page.getByTestId('reset').click();
      assert.equal(await seconds(page), 0);
      await page.getByTestId('scrubber').fill('10000');
      assert.equal(await seconds(page), 10);
      const acked = Number(await text(page, 'sofar-acked'));
      assert.ok(acked > 0 && acked < 200, `acked so far at 10 s: ${acked}`);
      await page.getByTestId('step').click();
      assert.ok((await seconds(page)) >= 10);
      await screenshot(page, 'scrubbed-to-10s');
      await page.getByTestId('run-to-end').click();
      assert.equal(Number(await text(page, 'sofar-acked')), 200);
      assert.match(await text(page, 'time'), /^(\d+\.\d\d) s \/ \1 s$/);
      // The run ends with the cluster settled: the healed broker is back in every ISR.
      assert.equal(await page.locator('[data-testid=broker-0] .replica.out-of-isr').count(), 0);
      assert.equal(await page.locator('[data-testid=broker-0] .replica.in-isr').count(), 3);
      await page.getByTestId('reset').click();
      await page.getByTestId('play').click();
      await page.waitForTimeout(600);
      await page.getByTestId('pause').click();
      const t = await seconds(page);
      assert.ok(t > 0, `playing advances time (${t})`);
      await page.waitForTimeout(300);
      assert.equal(await seconds(page), t, 'pause stops it');
      // The audit is of the whole run, whatever the time looked at.
      assert.equal(await text(page, 'verdict'), 'at-most-once');
      // Jump to the first anomaly: the truncation after the isolated leader comes back.
      await page.getByTestId('reset').click();
      await page.getByTestId('next-anomaly').click();
      assert.ok((await seconds(page)) > 4, 'after the isolation at 4 s');
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('the keyboard: ? opens help, Escape closes it, arrows step, space plays', async () => {
    const { page } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      await page.getByTestId('reset').click();
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('?');
      await page.getByTestId('help-dialog').waitFor({ state: 'visible' });
      await screenshot(page, 'help');
      await page.keyboard.press('Escape');
      await page.getByTestId('help-dialog').waitFor({ state: 'detached' });
      await page.keyboard.press('ArrowRight');
      assert.ok((await seconds(page)) >= 0);
      await page.keyboard.press('Shift+ArrowRight');
      assert.ok((await seconds(page)) >= 1);
      await page.keyboard.press(' ');
      await page.waitForTimeout(400);
      await page.keyboard.press(' ');
      assert.ok((await seconds(page)) > 1);
    } finally {
      await page.close();
    }
  });

  test('skip links come first in the Tab order, and closing help gives the focus back', async () => {
    const { page } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'skip-audit');
      assert.ok(await page.getByTestId('skip-audit').isVisible(), 'shown while focused');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'audit-title');
      assert.equal(await page.evaluate(() => location.hash.startsWith('#s=') || location.hash === ''), true, 'the address keeps the share link');

      await page.getByTestId('help').click();
      await page.getByTestId('help-dialog').waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await page.getByTestId('help-dialog').waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'help', 'back on the ? button');
    } finally {
      await page.close();
    }
  });

  test('an audit count lists its messages and a message tells its story', async () => {
    const { page } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      await page.locator('button.count', { has: page.getByTestId('audit-lost') }).click();
      const first = page.getByTestId('message-list').getByTestId('message').first();
      await first.click();
      const story = page.getByTestId('story');
      await story.waitFor({ state: 'visible' });
      const s = await story.textContent();
      assert.match(s, /sent .* to orders-/);
      assert.match(s, /truncated/);
      assert.match(await text(page, 'story-fate'), /lost/);
      await screenshot(page, 'story-of-a-lost-message');
    } finally {
      await page.close();
    }
  });
});
