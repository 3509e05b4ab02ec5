// The app shell renders from the release build, at the root and under a sub-path.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SUB_PATH, openPage, screenshot, serveStatic, useBrowserAndServer } from './lib.mjs';

describe('app shell (release build in dist/)', () => {
  const env = useBrowserAndServer({ serve: false });

  for (const [name, prefix] of [['root', '/'], ['sub-path', SUB_PATH]]) {
    test(`renders the title and tagline when served at ${prefix}`, async (t) => {
      const server = await serveStatic({ prefix });
      t.after(() => server.close());
      const { page, problems } = await openPage(env.context, server.url);
      try {
        const title = page.getByTestId('app-title');
        await title.waitFor({ state: 'visible' });
        assert.equal((await title.textContent()).trim(), 'Ackademy');
        const tagline = (await page.getByTestId('app-tagline').textContent()).trim();
        assert.match(tagline, /Kafka loses, duplicates and reorders messages/);
        assert.equal(await page.title(), 'Ackademy');
        assert.deepEqual(problems, [], 'the page loads without errors');
      } finally {
        const shot = await screenshot(page, `shell-${name}`);
        console.log(`screenshot: ${shot}`);
        await page.close();
      }
    });
  }
});
