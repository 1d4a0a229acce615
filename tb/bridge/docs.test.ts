// Documentation that runs: every TypeScript block of the READMEs that is a test is a region of
// a real test file (compiled by `make typecheck`, run by `make test`), marked in the README by
// `<!-- example: <file>#<region> -->` on the line before it, and the two must read the same.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../../bridge/src/paths.js';

const READMES = ['README.md', 'bridge/README.md'];

interface Block {
  readonly lang: string;
  readonly code: string;
  /** `file#region` of the marker before it, if any. */
  readonly example?: string;
  readonly line: number;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    const before = markdown.slice(0, m.index).trimEnd().split('\n').at(-1) ?? '';
    const example = /^<!-- example: (\S+) -->$/.exec(before)?.[1];
    out.push({ lang: m[1]!, code: m[2]!, line: markdown.slice(0, m.index).split('\n').length, ...(example ? { example } : {}) });
  }
  return out;
}

/** The lines between `// #region <name>` and `// #endregion <name>` of `file`. */
function region(file: string, name: string): string {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const begin = text.indexOf(`// #region ${name}\n`);
  const end = text.indexOf(`// #endregion ${name}\n`);
  if (begin < 0 || end < begin) throw new Error(`${file} has no region '${name}'`);
  return text.slice(begin + `// #region ${name}\n`.length, end);
}

const looksLikeTest = (code: string): boolean => /\b(test|simTest|seededTest)\s*\(|async \(\{/.test(code);

describe.each(READMES)('%s', (readme) => {
  const all = blocks(readFileSync(path.join(ROOT, readme), 'utf8'));

  test('each example block reads as its region of a test file', () => {
    const examples = all.filter((b) => b.example);
    expect(examples.length).toBeGreaterThan(0);
    for (const b of examples) {
      const [file, name] = b.example!.split('#');
      expect(b.code, `${readme}:${b.line} against ${b.example}`).toBe(region(file!, name!));
    }
  });

  test('every TypeScript block that is a test is such an example', () => {
    const unmarked = all.filter((b) => b.lang === 'ts' && !b.example && looksLikeTest(b.code)).map((b) => `${readme}:${b.line}`);
    expect(unmarked).toEqual([]);
  });
});

describe('bridge/README.md file table', () => {
  /** The paths a table cell names: `src/sim/waits.ts`, `harness/link.{h,cpp}`, `src/bus/`, `axis.cpp` after a path. */
  function named(text: string): Set<string> {
    const out = new Set<string>();
    for (const row of text.split('\n').filter((l) => l.startsWith('| `'))) {
      const cell = row.split('|')[1]!;
      let dir = '';
      for (const m of cell.matchAll(/`([^`]+)`/g)) {
        const p = m[1]!;
        const full = p.includes('/') ? p : dir + p;
        dir = full.slice(0, full.lastIndexOf('/') + 1);
        const braces = /^(.*)\{(.*)\}$/.exec(full);
        if (braces) for (const ext of braces[2]!.split(',')) out.add(`${braces[1]}${ext}`);
        else out.add(full);
      }
    }
    return out;
  }

  test('names every source file of the bridge (a folder row covers its files)', () => {
    const readme = readFileSync(path.join(ROOT, 'bridge', 'README.md'), 'utf8');
    const at = readme.indexOf('## Files');
    const table = named(readme.slice(at, readme.indexOf('\n## ', at + 1)));
    const files = ['src', 'harness'].flatMap((d) =>
      (readdirSync(path.join(ROOT, 'bridge', d), { recursive: true }) as string[])
        .filter((f) => /\.(ts|h|cpp)$/.test(f))
        .map((f) => `${d}/${f}`),
    );
    const missing = files.filter((f) => f !== 'src/index.ts' && !table.has(f) && !table.has(f.slice(0, f.lastIndexOf('/') + 1)));
    expect(missing, 'add each to the Files table of bridge/README.md').toEqual([]);
    const stale = [...table].filter((f) => !existsSync(path.join(ROOT, 'bridge', f)));
    expect(stale, 'rows of the Files table naming what is gone').toEqual([]);
  });
});
