// Run by the mutation runner inside a scratch copy (its own repository root): builds the named
// tops of tb/**/tops.ts into the cache one after the other, or with --lint-only only
// elaborates them, printing a JSON line per top as it is done: {"top","ok","message"}. A
// mutant whose top fails here does not elaborate. The first line is {"pid"}: a stopped build
// leaves its half-built folder under that name in the cache, for the runner to remove.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildTop, verilatorArgs } from '../../bridge/src/build.js';
import { loadTops } from '../../bridge/src/cli/tops.js';
import { ROOT, verilatorBin } from '../../bridge/src/paths.js';

console.log(JSON.stringify({ pid: process.pid }));
const args = process.argv.slice(2);
const lintOnly = args.includes('--lint-only');
const tops = new Map((await loadTops()).flatMap((f) => f.tops).map((t) => [t.name, t]));
for (const name of args.filter((a) => !a.startsWith('--'))) {
  const top = tops.get(name);
  let message = '';
  if (!top) {
    message = `no top '${name}' in tb/**/tops.ts`;
  } else {
    try {
      if (lintOnly) await promisify(execFile)(verilatorBin(), ['--lint-only', ...verilatorArgs(top)], { maxBuffer: 64 << 20 });
      else await buildTop(top);
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      const log = (`${err.stdout ?? ''}${err.stderr ?? ''}` || err.message).replaceAll(ROOT, '');
      message = log.split('\n').filter((l) => /%Error|error:/i.test(l)).slice(0, 6).join('\n') || log.slice(-2000);
    }
  }
  console.log(JSON.stringify({ top: name, ok: !message, message }));
}
