// The playground loads scenarios (default, ?scenario=, broken links) and shows the audit of
// the whole run through the contract's hooks; Wasm and the native CLI agree exactly.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ROOT, SCENARIOS, audit, openApp, openScenario, realProblems, screenshot, text, useBrowserAndServer,
} from './lib.mjs';

// The native CLI as `cargo build --release --bin ackademy` leaves it (CARGO_TARGET_DIR counts).
const CLI = join(resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target'), 'release', 'ackademy');

describe('loading scenarios', () => {
  const env = useBrowserAndServer();

  test('the default scenario shows the cluster and the audit at once', async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      for (const b of [0, 1, 2]) await page.getByTestId(`broker-${b}`).waitFor({ state: 'visible' });
      await page.getByTestId('producer-0').waitFor({ state: 'visible' });
      await page.getByTestId('consumer-0').waitFor({ state: 'visible' });
      const a = await audit(page);
      assert.equal(a.verdict, 'at-most-once', 'the default scenario (acks=1, isolated leader) loses messages');
      assert.ok(a.lost > 0);
      assert.match(a.trace_hash, /^[0-9a-f]{16}$/);
      // The replicas hold records once the run has been looked at to its end.
      await page.getByTestId('run-to-end').click();
      assert.ok(await page.locator('[data-testid=broker-1] path.cells').count() > 0, 'log cells are drawn');
      assert.ok((await page.locator('[data-config]').count()) >= 20, 'settings are shown');
      assert.deepEqual(realProblems(problems), [], 'no console errors');
    } finally {
      await screenshot(page, 'default-scenario');
      await page.close();
    }
  });

  // The app's own fixtures, and every scenario of the CLI's tests (transactions, processors,
  // outbox, dead-letter queues, zombies...): the page must load each and agree with the CLI.
  const CLI_SCENARIOS = join(ROOT, 'crates', 'cli', 'tests', 'scenarios');
  const fixtures = [
    ...readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')).sort().map((f) => join(SCENARIOS, f)),
    ...(existsSync(CLI_SCENARIOS) ? readdirSync(CLI_SCENARIOS).filter((f) => f.endsWith('.json')).sort().map((f) => join(CLI_SCENARIOS, f)) : []),
  ];
  for (const path of fixtures) {
    const file = path.startsWith(SCENARIOS) ? path.slice(SCENARIOS.length + 1) : `cli/${path.slice(CLI_SCENARIOS.length + 1)}`;
    test(`?scenario= ${file}: same report in Wasm as the native CLI`, { skip: !existsSync(CLI) && `${CLI} not built` }, async () => {
      const json = readFileSync(path, 'utf8');
      const native = JSON.parse(execFileSync(CLI, ['run', path], { encoding: 'utf8' }));
      const { page, problems } = await openScenario(env.context, env.url, json);
      try {
        const a = await audit(page);
        assert.equal(a.verdict, native.verdict);
        assert.equal(a.lost, native.lost);
        assert.equal(a.duplicated, native.duplicated);
        assert.equal(a.reordered, native.reordered);
        assert.equal(a.aborted_read, native.aborted_read);
        assert.equal(a.trace_hash, native.trace_hash, 'the trace is the same byte for byte');
        assert.equal(Number(await text(page, 'audit-sent')), native.sent);
        assert.equal(Number(await text(page, 'audit-acked')), native.acked);
        assert.equal(await page.getByTestId('load-error').count(), 0);
        assert.deepEqual(realProblems(problems), []);
      } finally {
        await screenshot(page, `scenario-${file.replace(/\.json$/, '').replace('/', '-')}`);
        await page.close();
      }
    });
  }

  test('a scenario to try is one pick away', async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      await page.selectOption('[data-testid=preset]', 'lost-ack');
      await page.waitForFunction(() => document.querySelector('[data-testid=verdict]').textContent === 'at-least-once');
      assert.ok(Number(await text(page, 'audit-duplicated')) > 0);
      await page.selectOption('[data-testid=preset]', 'aborted-read');
      await page.waitForFunction(() => document.querySelector('[data-testid=audit-aborted-read]').textContent !== '0');
      assert.equal(await page.locator('[data-config="isolation.level"][data-owner="c2"]').inputValue(), 'read_uncommitted');
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('a panic shows an error panel, not a dead page', async () => {
    const { page, problems } = await openApp(env.context, `${env.url}?debug-panic`);
    try {
      const panel = page.getByTestId('panic-panel');
      await panel.waitFor({ state: 'visible' });
      assert.match(await panel.textContent(), /internal error/);
      assert.match(await panel.textContent(), /debug-panic/);
      assert.equal(await panel.locator('button').count(), 2, 'reload, and forget the saved work');
      assert.ok(problems.some((p) => /debug-panic|unreachable/.test(p)), 'the panic did happen');
      await screenshot(page, 'panic-panel');
    } finally {
      await page.close();
    }
  });

  test('an acks=1 isolated leader gives at-most-once', async () => {
    const json = readFileSync(join(SCENARIOS, 'acks1-isolated-leader.json'), 'utf8');
    const { page } = await openScenario(env.context, env.url, json);
    try {
      assert.equal(await text(page, 'verdict'), 'at-most-once');
      assert.ok(Number(await text(page, 'audit-lost')) > 0);
      assert.equal(await page.locator('[data-config="acks"][data-owner="p1"]').inputValue(), '1');
    } finally {
      await page.close();
    }
  });

  for (const [name, suffix, expect] of [
    ['?scenario= that is not JSON', '?scenario=' + encodeURIComponent('{"version":1,'), /invalid JSON/],
    ['?scenario= with an unknown field', '?scenario=' + encodeURIComponent('{"version":1,"brokers":2}'), /brokers/],
    ['?scenario= that Kafka refuses', '?scenario=' + encodeURIComponent('{"version":1,"cluster":{"brokers":2},"topics":[{"name":"t","replication.factor":3}]}'), /replication factor: 3 larger than available brokers: 2/],
    ['a damaged share link', '#s=1.AAAAAAAAAA', /damaged/],
    ['a share link of an unknown version', '#s=7.abc', /version/],
  ]) {
    test(`${name} shows load-error and the default scenario`, async () => {
      const { page, problems } = await openApp(env.context, env.url + suffix);
      try {
        const err = page.getByTestId('load-error');
        await err.waitFor({ state: 'visible' });
        assert.match(await err.textContent(), expect);
        assert.equal(await text(page, 'verdict'), 'at-most-once', 'the default scenario runs');
        await page.getByTestId('broker-0').waitFor({ state: 'visible' });
        assert.deepEqual(realProblems(problems), [], 'an error message, not a crash');
      } finally {
        await screenshot(page, `load-error-${name.replace(/[^a-z0-9]+/gi, '-')}`);
        await page.close();
      }
    });
  }
});
