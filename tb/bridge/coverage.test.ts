// The functional-coverage helpers themselves (pure TypeScript).
import { describe, expect, test } from 'vitest';
import { CoverGroup, CoverageError, coverageText, mergeCoverage } from '../../bridge/src/index.js';

describe('functional coverage', () => {
  test('bins, crosses, unhit bins named, runs merged', () => {
    const g = new CoverGroup('demo');
    const size = g.point<number>('size', { small: (n) => n < 4, big: (n) => n >= 4 });
    const kind = g.point<string>('kind', { rd: (k) => k === 'rd', wr: (k) => k === 'wr' });
    const x = g.cross('size_x_kind', size, kind);
    x.sample(1, 'rd');
    x.sample(9, 'rd');
    expect(g.unhit()).toEqual(['kind: wr', 'size_x_kind: small x wr', 'size_x_kind: big x wr']);
    expect(() => g.assertAllHit()).toThrow(CoverageError);
    expect(() => g.assertAllHit()).toThrow(/3 bin\(s\) never hit:\n {2}kind: wr/);
    const other = new CoverGroup('demo');
    const k2 = other.point<string>('kind', { rd: (k) => k === 'rd', wr: (k) => k === 'wr' });
    k2.sample('wr');
    const merged = mergeCoverage([g.data(), other.data()]);
    expect(merged[0]!.points.kind).toEqual({ rd: 2, wr: 1 });
    expect(coverageText(merged)).toContain('demo.kind: 2/2 bins');
    expect(coverageText(merged)).toContain('demo.size_x_kind: 2/4 bins (unhit: small x wr, big x wr)');
  });
});
