// Lessons, challenge links and export, through the contract's hooks: the lesson list
// (data-testid=lesson, data-lesson-id, data-done), the live goal check (goal-status,
// data-met), the language switch (locale), and the setting controls (data-config,
// data-owner). Every lesson is opened and solved in both languages.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, openApp, openPage, openScenario, realProblems, screenshot, screenshotOf, text, useBrowserAndServer } from './lib.mjs';

const LESSONS = readdirSync(join(ROOT, 'lessons'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(ROOT, 'lessons', f), 'utf8')))
  .sort((a, b) => a.order - b.order);

const entry = (page, id) => page.locator(`[data-testid=lesson][data-lesson-id="${id}"]`);
const control = (page, config, owner) => page.locator(`[data-config="${config}"][data-owner="${owner}"]`);

/** Waits until the goal check says `met` ("true" or "false"). */
async function goalIs(page, met) {
  await page.waitForFunction(
    (m) => document.querySelector('[data-testid=goal-status]')?.getAttribute('data-met') === m,
    met,
    { timeout: 20_000 },
  );
}

/** Opens a lesson from the list and waits for its card. */
async function openLesson(page, lesson, locale = 'en') {
  await entry(page, lesson.id).click();
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid=lesson-title]')?.textContent.trim() === t,
    lesson.title[locale],
  );
}

/** Applies one solution step through the page's own controls. */
async function applyStep(page, step) {
  if ('remove_fault' in step) {
    const remove = page.locator(`[data-testid=lesson-fault-remove][data-kind="${step.remove_fault}"]`);
    assert.ok((await remove.count()) > 0, `a ${step.remove_fault} fault can be removed`);
    while ((await remove.count()) > 0) await remove.first().click();
    return;
  }
  if ('add_fault' in step) throw new Error('no lesson adds a fault in its solution yet');
  const el = control(page, step.config, step.owner);
  assert.equal(await el.count(), 1, `one control for ${step.config} of ${step.owner}`);
  const kind = await el.evaluate((e) => (e.tagName === 'SELECT' ? 'select' : e.type));
  if (kind === 'select') await el.selectOption(step.value);
  else if (kind === 'checkbox') await el.setChecked(step.value === 'true');
  else await el.fill(step.value);
}

describe('lessons', () => {
  const env = useBrowserAndServer();

  test('lesson 7: toggling enable.idempotence meets the goal, is saved, and reads in Korean', async () => {
    const { page, problems } = await openApp(env.context, env.url);
    try {
      const lesson = LESSONS.find((l) => l.id === 'lost-ack');
      assert.equal(lesson.order, 7);
      // The list is in curriculum order, nothing done yet.
      const ids = await page.getByTestId('lesson').evaluateAll((els) => els.map((e) => e.dataset.lessonId));
      assert.deepEqual(ids, LESSONS.map((l) => l.id));
      assert.equal(await entry(page, 'lost-ack').getAttribute('data-done'), 'false');

      await openLesson(page, lesson);
      assert.equal(await page.getByTestId('goal-status').getAttribute('data-met'), 'false');
      assert.match(await text(page, 'goal-status'), /not met yet/);
      assert.ok(Number(await text(page, 'audit-duplicated')) > 0, 'the start shows the duplicate');
      assert.match(await text(page, 'caption'), /^7\. The lost ack/);
      // Only the lesson's controls are editable; the playground's settings are not on screen.
      const configs = await page.locator('[data-config]').evaluateAll((els) => els.map((e) => `${e.dataset.config}@${e.dataset.owner}`));
      assert.deepEqual(configs.sort(), lesson.controls.map((c) => `${c.config}@${c.owner}`).sort());
      await screenshot(page, 'lesson-7-start');

      // Hints unfold one by one.
      assert.equal(await page.getByTestId('hint').count(), 0);
      await page.getByTestId('next-hint').click();
      assert.equal(await text(page, 'hint'), lesson.hints[0].en);
      await page.getByTestId('next-hint').click();
      assert.equal(await page.getByTestId('hint').count(), 2);
      assert.equal(await page.getByTestId('lesson-why').count(), 0, '"why" waits for success');

      await control(page, 'enable.idempotence', 'p1').check();
      await goalIs(page, 'true');
      assert.equal(await text(page, 'audit-duplicated'), '0');
      assert.match(await text(page, 'goal-status'), /Goal met/);
      await page.getByTestId('lesson-complete').waitFor({ state: 'visible' });
      assert.equal(await entry(page, 'lost-ack').getAttribute('data-done'), 'true');
      assert.equal(await text(page, 'lesson-why'), lesson.why.en);
      assert.equal(await page.getByTestId('lesson-sources').locator('a').count(), lesson.sources.length);
      await screenshot(page, 'lesson-7-solved');

      // Progress survives a reload; the lesson reopens from the address.
      await page.reload({ waitUntil: 'load' });
      await page.getByTestId('verdict').waitFor();
      await entry(page, 'lost-ack').waitFor();
      assert.equal(await entry(page, 'lost-ack').getAttribute('data-done'), 'true');
      assert.equal(await entry(page, 'the-log').getAttribute('data-done'), 'false');
      assert.equal(await text(page, 'lesson-title'), lesson.title.en);
      assert.equal(await text(page, 'lessons-progress'), `1/${LESSONS.length}`);
      // Lessons stay a reference: "why" is there for a lesson done before.
      assert.equal(await text(page, 'lesson-why'), lesson.why.en);

      // Korean: the lesson, the list and the UI.
      await page.selectOption('[data-testid=locale]', 'ko');
      await page.waitForFunction((t) => document.querySelector('[data-testid=lesson-title]')?.textContent.trim() === t, lesson.title.ko);
      assert.equal(await text(page, 'lesson-story'), lesson.story.ko);
      assert.equal(await text(page, 'lesson-task'), lesson.task.ko);
      assert.equal(await text(page, 'lesson-why'), lesson.why.ko);
      assert.equal((await entry(page, 'the-log').textContent()).includes(LESSONS[0].title.ko), true);
      assert.match(await text(page, 'goal-status'), /목표/);
      assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
      await screenshot(page, 'lesson-7-ko');
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('lesson 2: the learner removes the add_partitions fault from the keyboard, puts it back, and solves it', async () => {
    const lesson = LESSONS.find((l) => l.id === 'keys-and-partitions');
    assert.deepEqual(lesson.removable_faults, ['add_partitions']);
    const { page, problems } = await openApp(env.context, env.url);
    try {
      await openLesson(page, lesson);
      await goalIs(page, 'false');
      const item = (kind) => page.locator(`[data-testid=lesson-fault][data-kind="${kind}"]`);
      const focused = () => page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName);
      // Both faults of the story are listed; only the removable kind has a button.
      assert.equal(await page.getByTestId('lesson-fault').count(), lesson.scenario.faults.length);
      assert.equal(await item('slow_message').getByTestId('lesson-fault-remove').count(), 0, 'the slow call stays');
      const remove = item('add_partitions').getByTestId('lesson-fault-remove');
      assert.match(await remove.getAttribute('aria-label'), /^Remove the add_partitions fault at 60(\.0+)? s$/);
      assert.equal(await text(page, 'lesson-fault-remove'), '✕ Remove');
      await screenshot(page, 'lesson-2-start');
      await screenshotOf(page.locator('.lesson-faults'), 'lesson-2-faults');

      // Reached with Tab from the fault's time, pressed with Enter.
      await item('add_partitions').locator('.time-link').focus();
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'lesson-fault-remove');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=lesson-fault][data-kind=add_partitions][data-removed=true]').waitFor();
      assert.equal(await focused(), 'lesson-fault-restore', 'the focus moves to the button that undoes it');
      await goalIs(page, 'true');
      await screenshot(page, 'lesson-2-fault-removed');
      await screenshotOf(page.locator('.lesson-faults'), 'lesson-2-faults-removed');

      // Put back (the keyboard again): the problem is back.
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=lesson-fault][data-kind=add_partitions][data-removed=false]').waitFor();
      await goalIs(page, 'false');
      assert.equal(await focused(), 'lesson-fault-remove');
      assert.deepEqual(
        await page.getByTestId('lesson-fault').evaluateAll((els) => els.map((e) => e.dataset.kind)),
        lesson.scenario.faults.map((f) => f.kind),
        'put back where it was in the story',
      );

      // The whole solution, clicked like a learner: remove the fault, create 3 partitions.
      await remove.click();
      await control(page, 'partitions', 'orders').fill('3');
      await goalIs(page, 'true');
      assert.equal(await text(page, 'audit-reordered'), '0');
      assert.equal(await entry(page, lesson.id).getAttribute('data-done'), 'true');

      // The same controls in Korean.
      await page.selectOption('[data-testid=locale]', 'ko');
      const restore = item('add_partitions').getByTestId('lesson-fault-restore');
      await page.waitForFunction(() => document.querySelector('[data-testid=lesson-fault-restore]')?.textContent.includes('다시 넣기'));
      assert.match(await restore.getAttribute('aria-label'), /^60(\.0+)?초에 예약된 add_partitions 장애 다시 넣기$/);
      await screenshot(page, 'lesson-2-solved-ko');
      await screenshotOf(page.locator('.lesson-faults'), 'lesson-2-faults-ko');
      await screenshotOf(page.locator('.lesson-controls'), 'lesson-2-controls-ko');
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('the lesson nav: next and previous without solving, a #lesson= link followed, back to the playground', async () => {
    const { page } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('mode-lessons').click();
      await page.waitForFunction((t) => document.querySelector('[data-testid=lesson-title]')?.textContent.trim() === t, LESSONS[0].title.en);
      for (const l of LESSONS.slice(1)) {
        await page.getByTestId('next-lesson').click();
        await page.waitForFunction((t) => document.querySelector('[data-testid=lesson-title]')?.textContent.trim() === t, l.title.en);
        assert.equal(await entry(page, l.id).getAttribute('aria-current'), 'step');
      }
      assert.equal(await page.getByTestId('next-lesson').isDisabled(), true);
      await page.getByTestId('prev-lesson').click();
      assert.equal(await text(page, 'lesson-title'), LESSONS.at(-2).title.en);
      // A lesson link followed within the page opens that lesson.
      await page.evaluate(() => { window.location.hash = '#lesson=lost-ack'; });
      await page.waitForFunction((t) => document.querySelector('[data-testid=lesson-title]')?.textContent.trim() === t, LESSONS[6].title.en);
      // And back to the playground, whose work was kept.
      await page.getByTestId('mode-playground').click();
      await page.getByTestId('lesson-panel').waitFor({ state: 'detached' });
      assert.equal(await control(page, 'acks', 'p1').inputValue(), '1', 'the default scenario is back');
      assert.equal(await page.getByTestId('fault-item').count(), 2);
    } finally {
      await page.close();
    }
  });

  for (const locale of ['en', 'ko']) {
    test(`a newcomer in ${locale} solves lesson 1 to the last in one page: text, goal missed then met, the next lesson from the celebration`, async () => {
      const { page, problems } = await openApp(env.context, env.url);
      try {
        // No toast animation to wait for before each click (lesson 7's test keeps the motion).
        await page.emulateMedia({ reducedMotion: 'reduce' });
        await page.selectOption('[data-testid=locale]', locale);
        await page.evaluate(() => { window.__samePage = true; });
        // The Lessons tab opens the first lesson not done; after that, only "Next lesson".
        await page.getByTestId('mode-lessons').click();
        for (const [n, lesson] of LESSONS.entries()) {
          await page.waitForFunction((t) => document.querySelector('[data-testid=lesson-title]')?.textContent.trim() === t, lesson.title[locale]);
          const where = `${lesson.id} (${locale})`;
          assert.equal(await entry(page, lesson.id).getAttribute('aria-current'), 'step', where);
          assert.equal(await text(page, 'lesson-story'), lesson.story[locale], where);
          assert.equal(await text(page, 'lesson-task'), lesson.task[locale], where);
          assert.equal(await page.getByTestId('goal-status').getAttribute('data-met'), 'false', `${where}: goal missed at the start`);
          for (let i = 0; i < lesson.hints.length; i += 1) await page.getByTestId('next-hint').click();
          const hints = await page.getByTestId('hint').allTextContents();
          assert.deepEqual(hints.map((h) => h.trim()), lesson.hints.map((h) => h[locale]), where);
          assert.equal(await page.getByTestId('next-hint').isDisabled(), true);
          if (locale === 'en') {
            // The solution through the controls the learner has.
            for (const step of lesson.solution) await applyStep(page, step);
          } else {
            await page.getByTestId('show-solution').click();
            assert.equal(await page.getByTestId('solution-steps').locator('li').count(), lesson.solution.length);
          }
          await goalIs(page, 'true');
          assert.equal(await entry(page, lesson.id).getAttribute('data-done'), 'true', where);
          assert.equal(await text(page, 'lesson-why'), lesson.why[locale], where);
          assert.equal(await page.getByTestId('lesson-sources').locator('a').count(), lesson.sources.length, where);
          // Success is celebrated, with the way on.
          await page.getByTestId('lesson-complete').waitFor({ state: 'visible' });
          if (n + 1 < LESSONS.length) await page.getByTestId('celebrate-next').click();
          else assert.equal(await page.getByTestId('celebrate-next').count(), 0, 'the last lesson has no next');
        }
        assert.equal(await text(page, 'lessons-progress'), `${LESSONS.length}/${LESSONS.length}`);
        assert.equal(await page.evaluate(() => window.__samePage), true, 'never left the page');
        await screenshot(page, `all-lessons-done-${locale}`);
        assert.deepEqual(realProblems(problems), []);
      } finally {
        await page.close();
      }
    });
  }

  test('a teacher writes a challenge; the link opens as a lesson, and once solved it stays solved after a reload', async () => {
    const lesson = LESSONS.find((l) => l.id === 'lost-ack');
    const { page } = await openScenario(env.context, env.url, JSON.stringify(lesson.scenario));
    let link;
    let otherLink;
    try {
      const panel = page.getByTestId('challenge-panel');
      await panel.locator('summary').first().click();
      assert.equal(await page.getByTestId('challenge-link').inputValue(), '', 'no link before a prompt and a goal');
      await page.getByTestId('challenge-title-input').fill('Retries without duplicates');
      await page.getByTestId('challenge-prompt-input').fill('Keep the retries but make every order count once.');
      await page.getByTestId('challenge-goal-input').fill('duplicated ==');
      await page.getByTestId('challenge-goal-error').waitFor({ state: 'visible' });
      assert.equal(await page.getByTestId('challenge-link').inputValue(), '');
      await page.getByTestId('challenge-goal-input').fill('duplicated == 0 && lost == 0');
      assert.equal(await page.getByTestId('challenge-goal-now').getAttribute('data-holds'), 'false');
      await panel.locator('summary', { hasText: 'p1' }).click();
      await page.locator('[data-testid=challenge-control][data-control="enable.idempotence@p1"]').check();
      link = await page.getByTestId('challenge-link').inputValue();
      assert.match(link, /#c=1\.[A-Za-z0-9_-]+$/);
      await screenshot(page, 'challenge-builder');
      // Another prompt is another challenge (with its own progress).
      await page.getByTestId('challenge-prompt-input').fill('Same cluster, another question.');
      otherLink = await page.getByTestId('challenge-link').inputValue();
      assert.notEqual(otherLink, link);
    } finally {
      await page.close();
    }

    // A student opens the link in a fresh browser profile.
    const student = await launchBrowser();
    try {
      const { page: p, problems } = await openPage(student.context, link);
      await p.getByTestId('challenge-prompt').waitFor();
      assert.equal(await text(p, 'challenge-prompt'), 'Keep the retries but make every order count once.');
      assert.equal(await text(p, 'lesson-title'), 'Retries without duplicates');
      assert.equal(await p.getByTestId('goal-status').getAttribute('data-met'), 'false');
      assert.equal(await p.locator('[data-config]').count(), 1, 'only the chosen control');
      assert.equal(await p.getByTestId('lesson-panel').getAttribute('data-done'), 'false');
      assert.equal(await p.getByTestId('challenge-done').count(), 0);
      await control(p, 'enable.idempotence', 'p1').check();
      await goalIs(p, 'true');
      // Celebrated and saved as done.
      await p.getByTestId('lesson-complete').waitFor({ state: 'visible' });
      assert.match(await text(p, 'lesson-complete'), /Challenge solved!.*Saved in this browser/);
      await p.getByTestId('challenge-done').waitFor();
      assert.equal(await p.getByTestId('lesson-panel').getAttribute('data-done'), 'true');
      await screenshot(p, 'challenge-solved');
      const saved = JSON.parse(await p.evaluate(() => localStorage.getItem('ackademy.lessons.done')));
      assert.equal(saved.length, 1);
      assert.match(saved[0], /^challenge:[0-9a-f]{16}$/);
      assert.equal(await text(p, 'lessons-progress'), `0/${LESSONS.length}`, 'a challenge is not a lesson');

      // Reloading keeps the challenge (it is in the address), shown as solved, from its start.
      await p.reload({ waitUntil: 'load' });
      await p.getByTestId('challenge-prompt').waitFor();
      assert.equal(await p.getByTestId('lesson-panel').getAttribute('data-done'), 'true');
      assert.equal(await text(p, 'challenge-done'), '✓ solved');
      assert.equal(await p.getByTestId('goal-status').getAttribute('data-met'), 'false');
      assert.equal(await p.getByTestId('lesson-complete').count(), 0, 'no celebration without a change');
      await p.selectOption('[data-testid=locale]', 'ko');
      await p.waitForFunction(() => document.querySelector('[data-testid=challenge-done]')?.textContent.includes('해결 완료'));
      await screenshotOf(p.getByTestId('lesson-panel'), 'challenge-done-after-reload-ko');
      assert.deepEqual(realProblems(problems), []);
      await p.close();

      // The same link opened again is solved; another challenge is not.
      const again = await openPage(student.context, link);
      await again.page.getByTestId('challenge-done').waitFor();
      await again.page.close();
      const other = await openPage(student.context, otherLink);
      await other.page.getByTestId('challenge-prompt').waitFor();
      assert.equal(await text(other.page, 'challenge-prompt'), 'Same cluster, another question.');
      assert.equal(await other.page.getByTestId('lesson-panel').getAttribute('data-done'), 'false');
      assert.deepEqual(realProblems(other.problems), []);
    } finally {
      await student.close();
    }
  });

  test('a challenge may let the class remove a kind of fault', async () => {
    const lesson = LESSONS.find((l) => l.id === 'keys-and-partitions');
    const { page, problems } = await openScenario(env.context, env.url, JSON.stringify(lesson.scenario));
    try {
      await page.getByTestId('challenge-panel').locator('summary').first().click();
      await page.getByTestId('challenge-prompt-input').fill('Keep each customer in order.');
      await page.getByTestId('challenge-goal-input').fill('reordered == 0');
      const kinds = await page.getByTestId('challenge-removable').evaluateAll((els) => els.map((e) => e.dataset.kind));
      assert.deepEqual(kinds, ['add_partitions', 'slow_message'], 'the kinds the scenario schedules');
      const before = await page.getByTestId('challenge-link').inputValue();
      await page.locator('[data-testid=challenge-removable][data-kind=add_partitions]').check();
      assert.notEqual(await page.getByTestId('challenge-link').inputValue(), before);
      await screenshotOf(page.getByTestId('challenge-panel'), 'challenge-builder-removable');
      await page.getByTestId('challenge-try').click();
      await page.getByTestId('challenge-prompt').waitFor();
      assert.equal(await page.locator('[data-config]').count(), 0, 'no settings to change');
      assert.equal(await page.getByTestId('lesson-fault-remove').count(), 1);
      await goalIs(page, 'false');
      await page.locator('[data-testid=lesson-fault-remove][data-kind=add_partitions]').click();
      await goalIs(page, 'true');
      await page.getByTestId('challenge-done').waitFor();
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await page.close();
    }
  });

  test('a broken challenge link shows load-error and the default scenario', async () => {
    for (const bad of ['#c=1.AAAA', '#c=2.abc', '#c=garbage', '#lesson=no-such-lesson']) {
      const { page, problems } = await openPage(env.context, env.url + bad);
      try {
        await page.getByTestId('load-error').waitFor({ state: 'visible' });
        await page.getByTestId('verdict').waitFor();
        assert.equal(await control(page, 'acks', 'p1').inputValue(), '1', `${bad}: the default scenario`);
        assert.equal(await page.getByTestId('lesson-panel').count(), 0);
        assert.deepEqual(realProblems(problems), []);
      } finally {
        await page.close();
      }
    }
  });

  test('export: properties, application.yml and kafka-topics.sh follow the settings, one click copies', async () => {
    await env.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.url).origin });
    const { page } = await openApp(env.context, env.url);
    try {
      await page.getByTestId('pause').click();
      const tab = (file) => page.locator(`[data-testid=export-tab][data-file="${file}"]`);
      const shown = () => text(page, 'export-text');
      await tab('producer.properties').click();
      assert.match(await shown(), /^acks=1$/m);
      await page.selectOption('[data-config="acks"][data-owner="p1"]', 'all');
      await page.locator('[data-config="linger.ms"][data-owner="p1"]').fill('5');
      assert.match(await shown(), /^acks=all$/m);
      assert.match(await shown(), /^linger\.ms=5$/m);
      await tab('consumer.properties').click();
      assert.match(await shown(), /^group\.id=g1$/m);
      assert.match(await shown(), /^auto\.offset\.reset=earliest$/m);
      await tab('application.yml').click();
      assert.match(await shown(), /^spring:\n {2}kafka:/);
      assert.match(await shown(), /^ {6}acks: all$/m);
      await tab('kafka-topics.sh').click();
      assert.match(await shown(), /kafka-topics\.sh --bootstrap-server \S+ --create --topic orders --partitions 3 --replication-factor 3 --config min\.insync\.replicas=2/);
      await page.getByTestId('export-copy').click();
      await page.waitForFunction(() => /Copied|복사/.test(document.querySelector('[data-testid=export-copy]').textContent));
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(clip.trim(), (await shown()).trim());
      await screenshot(page, 'export');
    } finally {
      await page.close();
    }
  });

  test('the lesson view on desktop and phone, light and dark', async () => {
    const lesson = LESSONS.find((l) => l.id === 'lost-ack');
    for (const [name, size] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
      for (const scheme of ['light', 'dark']) {
        const { page } = await openApp(env.context, env.url);
        try {
          await page.setViewportSize(size);
          await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          await openLesson(page, lesson);
          await page.getByTestId('next-hint').click();
          await control(page, 'enable.idempotence', 'p1').check();
          await goalIs(page, 'true');
          await screenshot(page, `lesson-${name}-${scheme}`);
        } finally {
          await page.close();
        }
      }
    }
  });
});
