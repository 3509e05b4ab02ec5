// Run every tests/e2e/*.test.mjs (each in its own process) against the release build in
// dist/, print a spec report and a summary line; exit code 1 if anything failed.
//
//   node tests/e2e/run.mjs [FILTER]     only files whose name contains FILTER

import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2] || '';
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.test.mjs') && f.includes(filter))
  .sort()
  .map((f) => join(dir, f));

if (files.length === 0) {
  console.error(`e2e: no test files match "${filter}" in ${dir}`);
  process.exit(1);
}

let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1, timeout: 5 * 60_000 });
stream.on('test:pass', (t) => { if (t.details?.type !== 'suite') passed += 1; });
stream.on('test:fail', (t) => { if (t.details?.type !== 'suite') failed += 1; });
stream.compose(spec).pipe(process.stdout);
await new Promise((ok) => stream.on('end', ok).on('close', ok));
// Let the reporter flush before the summary.
await new Promise((ok) => setImmediate(ok));

const ok = failed === 0 && passed > 0;
console.log(`e2e: ${passed} passed, ${failed} failed${ok ? '' : ' -- FAILED'}`);
process.exitCode = ok ? 0 : 1;
