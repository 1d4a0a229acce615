// Layering (DESIGN.md section 2, STYLE.md): the bridge is a library that imports nothing from
// models/, rtl/, tb/ or tools/, and the models are pure TypeScript that import nothing from the
// bridge, the testbenches or the generator. Every import specifier of every file is resolved
// and checked, static and dynamic (a literal `import('…')`) alike.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../../bridge/src/paths.js';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

/** The `.ts` files under `dir` (relative to the repository). */
function sources(dir: string): string[] {
  return (readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

/** Each relative import of `file` as a repository path, with its line. */
function imports(file: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  readFileSync(path.join(ROOT, file), 'utf8').split('\n').forEach((text, i) => {
    for (const m of text.matchAll(SPECIFIER)) {
      if (m[1]!.startsWith('.')) out.push({ line: i + 1, target: path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[1]!)) });
    }
  });
  return out;
}

/** `file:line → target` for every import of `dir` that lands in one of `forbidden`. */
function violations(dir: string, forbidden: readonly string[]): string[] {
  return sources(dir).flatMap((f) => imports(f)
    .filter((i) => forbidden.some((d) => i.target === d || i.target.startsWith(`${d}${path.sep}`)))
    .map((i) => `${f}:${i.line} → ${i.target}`));
}

describe('layering', () => {
  test('the bridge imports nothing from models/, rtl/, tb/ or tools/', () => {
    expect(sources('bridge/src').length).toBeGreaterThan(20);
    expect(violations('bridge/src', ['models', 'rtl', 'tb', 'tools'])).toEqual([]);
  });

  test('the models import nothing from the bridge, the testbenches or the generator', () => {
    expect(violations('models', ['bridge', 'tb', 'tools'])).toEqual([]);
  });

  test('the check sees an import that breaks the rule (of a testbench, which may)', () => {
    expect(violations('tb/flash', ['models'])).not.toEqual([]);
    expect(imports('tb/flash/env.ts').map((i) => i.target)).toContain(path.join('models', 'flash', 'flash_driver.js'));
  });
});
