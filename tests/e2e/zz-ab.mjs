import { launchBrowser, serveStatic, clearStorage } from './lib.mjs';
const dirs = process.argv.slice(2);
const servers = await Promise.all(dirs.map((d) => serveStatic({ dir: d })));
const b = await launchBrowser();
const res = dirs.map(() => []);
const stages = dirs.map(() => []);
for (let i = 0; i < (Number(process.env.N) || 12); i++) for (let k = 0; k < dirs.length; k++) {
  await clearStorage(b.context, servers[k].url);
  const page = await b.context.newPage();
  await page.addInitScript(() => { new MutationObserver((_, obs) => { if (document.querySelector('[data-testid=verdict]')) { window.__fr = performance.now(); obs.disconnect(); } }).observe(document, { childList: true, subtree: true }); });
  await page.goto(servers[k].url + (process.env.Q ? '?scenario=' + process.env.Q : ''));
  await page.getByTestId('verdict').waitFor();
  res[k].push(await page.evaluate(() => window.__fr));
  stages[k].push(await page.evaluate(() => { const m = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN; const w = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm')); return [w?.responseEnd, m('ackademy-main'), m('ackademy-run-start'), m('ackademy-ready'), window.__fr, performance.getEntriesByName('first-contentful-paint')[0]?.startTime]; }));
  await page.close();
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
dirs.forEach((d, k) => console.log(d, 'first render median', med(res[k]).toFixed(1), 'stages', [0,1,2,3,4,5].map((j) => med(stages[k].map((s) => j === 0 ? s[0] : s[j] - s[j-1])).toFixed(1)).join(' / ')));
await b.close(); for (const s of servers) await s.close();
