// Scratch copies of the repository: every mutant is built and tested in one, never in the
// working tree. A slot lives at a fixed place in the build cache (<cache>/mutate/slot-<n>/), so
// the compiler cache (ccache) keeps serving the harness objects compiled there on earlier
// runs; a lock makes each slot one run's at a time, whichever clone the run comes from.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ROOT, cacheDir } from '../../bridge/src/paths.js';

/** Top-level entries of the repository a scratch copy leaves out: history, outputs, installs. */
const SKIP = new Set(['.git', 'node_modules', 'waves', 'reports', 'build', '.vscode']);
const SKIP_PATHS = new Set(['bench/out', 'bench/.venv', 'bench/.venv-cocotb2', 'bench/cocotb/sim_build']);

function copied(rel: string): boolean {
  const top = rel.split(path.sep)[0]!;
  return !SKIP.has(top) && !top.startsWith('.venv-') && !SKIP_PATHS.has(rel) && !rel.endsWith('.tsbuildinfo');
}

/** One scratch copy, held until {@link release}. */
export class Slot {
  private constructor(
    /** The copy's repository root. */
    readonly root: string,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Takes the first free slot of the build cache and fills it with a copy of this repository. */
  static async acquire(taken: readonly Slot[] = []): Promise<Slot> {
    const base = path.join(cacheDir(), 'mutate');
    await fs.mkdir(base, { recursive: true });
    for (let i = 0; ; i++) {
      const dir = path.join(base, `slot-${i}`);
      if (taken.some((s) => s.root.startsWith(`${dir}${path.sep}`))) continue;
      await fs.mkdir(dir, { recursive: true });
      let unlock: () => Promise<void>;
      try {
        unlock = await lockfile.lock(dir, { realpath: false, lockfilePath: `${dir}.lock`, stale: 20_000 });
      } catch {
        continue;  // another run holds it
      }
      const slot = new Slot(path.join(dir, 'repo'), unlock);
      try {
        await slot.fill();
      } catch (e) {
        await unlock();
        throw e;
      }
      return slot;
    }
  }

  /** The repository as it is now (uncommitted files too), and the same node_modules. */
  private async fill(): Promise<void> {
    const modules = path.join(this.root, 'node_modules');
    const lock = await fs.readFile(path.join(ROOT, 'package-lock.json')).catch(() => Buffer.from(''));
    const stamp = path.join(path.dirname(this.root), 'node_modules.sha256');
    const want = createHash('sha256').update(lock).digest('hex');
    const have = await fs.readFile(stamp, 'utf8').catch(() => '');
    for (const e of existsSync(this.root) ? await fs.readdir(this.root) : []) {
      if (e !== 'node_modules' || have !== want) await fs.rm(path.join(this.root, e), { recursive: true, force: true });
    }
    await fs.mkdir(this.root, { recursive: true });
    await fs.cp(ROOT, this.root, { recursive: true, filter: (src) => copied(path.relative(ROOT, src)) });
    if (have !== want || !existsSync(modules)) {
      // A copy, not a link: tools run from the slot write their caches into it.
      await fs.cp(path.join(ROOT, 'node_modules'), modules, { recursive: true, verbatimSymlinks: true });
      await fs.writeFile(stamp, want);
    }
  }

  /** Replaces a file of the copy (relative path). */
  async write(file: string, content: Buffer): Promise<void> {
    await fs.writeFile(path.join(this.root, file), content);
  }

  async release(): Promise<void> {
    await this.unlock();
  }
}
