/**
 * The names of `names` closest to `name` (longest common prefix, then nearest length), for
 * "no such signal / pin / top" messages: the one suggestion rule of the bridge.
 */
export function closest(name: string, names: Iterable<string>, count = 3): string[] {
  const scored = [...names].map((n) => {
    let common = 0;
    while (common < Math.min(n.length, name.length) && n[common] === name[common]) common++;
    // A name that contains the leaf (`state_q` in `u_core.state_q`) is as good as a long prefix.
    const leaf = name.split('.').at(-1) ?? name;
    const bonus = leaf.length > 1 && n.includes(leaf) ? leaf.length : 0;
    return { n, score: Math.max(common, bonus) - Math.abs(n.length - name.length) / 4 };
  });
  scored.sort((a, b) => b.score - a.score || (a.n < b.n ? -1 : 1));
  return scored.slice(0, count).map((s) => s.n);
}

/** ` (closest: a, b, c)`, or nothing when there are no names. */
export function closestText(name: string, names: Iterable<string>): string {
  const near = closest(name, names);
  return near.length ? ` (closest: ${near.join(', ')})` : '';
}

/** How a test writes a signal's handle: `dut.u_core.state_q`, `dut['g_cell[0]'].u_nor.mem_q`. */
export function dutPath(name: string): string {
  return `dut${name.split('.').map((p) => (/^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `['${p}']`)).join('')}`;
}
