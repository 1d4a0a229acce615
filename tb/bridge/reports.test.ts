// What a run reports, checked by running vitest on the fixtures in tb/bridge/fixtures/ (which
// fail on purpose) and reading what it prints: one error per failure, a replay line that
// replays exactly its test, a summary that tells skipped from passed, no waves of passing tests.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../../bridge/src/paths.js';
import { innerEnv, shell } from './inner.js';

const waves = path.join(ROOT, 'waves', 'bridge', 'fixtures');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cellbench-reports-'));

interface JsonResults {
  testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

let first: { code: number; out: string };
let results: JsonResults['testResults'][number]['assertionResults'];

beforeAll(async () => {
  rmSync(waves, { recursive: true, force: true });
  const json = path.join(scratch, 'results.json');
  first = await shell(`npx vitest run tb/bridge/fixtures --reporter=default --reporter=json --outputFile.json=${json}`,
    innerEnv({ CELLBENCH_FIXTURES: '1', CI: '1', CELLBENCH_REPORTS: path.join(scratch, 'reports-1') }));
  results = (JSON.parse(readFileSync(json, 'utf8')) as JsonResults).testResults.flatMap((f) => f.assertionResults);
}, 180_000);

afterAll(() => {
  rmSync(waves, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('a run of vitest on failing fixtures', () => {
  test('each failure of the simulator is reported once per test', () => {
    expect(first.code, first.out).toBe(1);
    const byName = Object.fromEntries(results.map((r) => [r.fullName, r]));
    expect(byName['runs into the simulated-time limit']?.failureMessages).toEqual([expect.stringMatching(/^SimTimeoutError: the test's simulated-time limit of 1 us passed/)]);
    expect(byName['loses its harness']?.failureMessages).toEqual([expect.stringMatching(/^HarnessLostError: harness was killed by SIGKILL/)]);
    expect(byName.passes?.status).toBe('passed');
  });

  test('under CI only failing tests keep a waveform, and passing ones leave no folder', () => {
    // A killed harness leaves its FST unfinished, beside the .hier file it never merged.
    expect(readdirSync(path.join(waves, 'errors.fixture.ts')).filter((f) => f.endsWith('.fst')).sort()).toEqual(['loses_its_harness.fst', 'runs_into_the_simulated-time_limit.fst']);
    expect(existsSync(path.join(waves, 'passing.fixture.ts'))).toBe(false);
  });

  test('under CI a test with REPLAY_FOR_WAVES runs untraced; a failure runs once more with its seed, traced, and a replay that passes fails too', () => {
    const seen = (name: string): string[] => [...first.out.matchAll(new RegExp(`^retry\\.fixture: ${name} run (\\d) seed (\\d+)$`, 'gm'))].map((m) => `${m[1]}:${m[2]}`);
    const every = seen('every');
    expect(every, first.out).toHaveLength(2);
    expect(every[1]!.slice(2), 'the replay has the first run\'s seed').toBe(every[0]!.slice(2));
    expect(seen('first')).toHaveLength(2);
    expect(seen('passes'), 'a passing test runs once').toHaveLength(1);
    const byName = Object.fromEntries(results.map((r) => [r.fullName, r]));
    expect(byName['replayed for waves fails on every run']?.status).toBe('failed');
    expect(byName['replayed for waves fails on every run']?.failureMessages).toEqual([expect.stringMatching(/fails on purpose, at cycle 5/), expect.stringMatching(/fails on purpose, at cycle 5/)]);
    expect(byName['replayed for waves fails on its first run only']?.status).toBe('failed');
    expect(byName['replayed for waves fails on its first run only']?.failureMessages).toEqual([expect.stringMatching(/on the first run only/), expect.stringMatching(/^ReplayPassedError: the first run of this test failed .*its replay with the same seed passed/)]);
    expect(byName['replayed for waves passes']?.status).toBe('passed');
    // The one waveform is the replay of the failure; a first run leaves none, nor does a replay that passed.
    expect(readdirSync(path.join(waves, 'retry.fixture.ts')).filter((f) => f.endsWith('.fst'))).toEqual(['fails_on_every_run.fst']);
  });

  test('the printed replay line runs exactly the failing test, with its seed; the summary counts the others as skipped', async () => {
    const lines = [...first.out.matchAll(/^seed (\d+): replay with (.*replay\.fixture\.ts.*)$/gm)];
    expect(lines, first.out).toHaveLength(1);
    const [, seed, command] = lines[0]!;
    const again = await shell(command!, innerEnv({ CELLBENCH_FIXTURES: '1', CELLBENCH_REPORTS: path.join(scratch, 'reports-2') }));
    expect(again.code, again.out).toBe(1);
    expect(again.out).toMatch(/Tests {2}1 failed \| 3 skipped \(4\)/);
    expect(again.out).toContain(`seed ${seed}: replay with ${command}`);
    expect(again.out).toMatch(/^cellbench: 0\/1 tests passed, 3 skipped,/m);
    expect(again.out).toContain(`FAILED tb/bridge/fixtures/replay.fixture.ts > names (regex) + syntax… > sends (a+b)… [x] {2} $y ^z | c.d * "q" 's? \\ /  (SEED=${seed})`);
  }, 120_000);
});
