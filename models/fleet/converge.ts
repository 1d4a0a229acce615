// Running a fleet until cells announce a version valid, seen on the line by its passive deframer
// (the scenarios' and the bench's end of a heal).
import { ImageStatus } from '../cell/image_check_pkg.js';
import type { Fleet } from './fleet.js';

/**
 * Runs `f` until every cell of `cells` announced `version` valid after cycle `after` (seen on the
 * line), or `limit`; returns the cycle of the last such ANNOUNCE, or undefined at the limit.
 */
export async function runUntilAnnounced(f: Fleet, cells: readonly number[], version: number, limit: number, after = 0): Promise<number | undefined> {
  const left = new Set(cells);
  let seen = 0;
  let last: number | undefined;
  await f.run(limit, () => {
    const ms = f.monitor.messages;
    for (; seen < ms.length; seen++) {
      const m = ms[seen]!;
      if (m.name === 'Announce' && m.time > after && m.fields.status === ImageStatus.Valid && m.fields.fw_version === version && left.delete(m.src)) last = m.time;
    }
    return left.size === 0;
  });
  return left.size === 0 ? last : undefined;
}
