import { launchBrowser, serveStatic, clearStorage } from './lib.mjs';
const dirs = process.argv.slice(2);
const b = await launchBrowser();
for (const d of dirs) {
  const s = await serveStatic({ dir: d });
  await clearStorage(b.context, s.url);
  const page = await b.context.newPage();
  await page.addInitScript(() => { new MutationObserver((_, obs) => { if (document.querySelector('[data-testid=verdict]')) { window.__n = document.querySelectorAll('*').length; window.__tags = {}; for (const e of document.querySelectorAll('*')) window.__tags[e.tagName] = (window.__tags[e.tagName] || 0) + 1; obs.disconnect(); } }).observe(document, { childList: true, subtree: true }); });
  await page.goto(s.url + (process.env.Q ? '?scenario=' + process.env.Q : ''));
  await page.getByTestId('verdict').waitFor();
  console.log(d, await page.evaluate(() => window.__n), JSON.stringify(await page.evaluate(() => window.__tags)));
  await page.close(); await s.close();
}
await b.close();
