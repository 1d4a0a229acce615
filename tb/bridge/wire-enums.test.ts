// The wire protocol is written twice, in C++ (bridge/harness) and TypeScript (protocol.ts,
// signals.ts): this test reads the C++ declarations and checks that every enum and constant has
// the same names and values on both sides, so a code added or renumbered on one side fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../../bridge/src/paths.js';
import {
  AgentKind, EdgeKind, ErrCode, Msg, Op, PROTOCOL_VERSION, Phase, Qualifier, STEP_RUN, Status, TrigKind,
} from '../../bridge/src/protocol.js';
import { Dir, SigFlag } from '../../bridge/src/signals.js';

const harness = (f: string): string =>
  readFileSync(path.join(ROOT, 'bridge', 'harness', f), 'utf8').replace(/\/\/[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');

/** `enum [class] Name : type { A = 1, B = 0x2 }` in a C++ source, as name → value. */
function cppEnum(file: string, name: string): Map<string, number> {
  const m = new RegExp(`enum\\s+(?:class\\s+)?${name}\\s*:\\s*\\w+\\s*\\{([^}]*)\\}`).exec(harness(file));
  if (!m) throw new Error(`bridge/harness/${file} declares no enum ${name}`);
  const out = new Map<string, number>();
  let next = 0;
  for (const item of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = item.split('=').map((s) => s.trim());
    const value = v === undefined ? next : Number(v);
    if (!Number.isInteger(value)) throw new Error(`bridge/harness/${file}: ${name}::${k} = ${v} is not a number`);
    out.set(k!, value);
    next = value + 1;
  }
  return out;
}

function cppConst(file: string, name: string): number {
  const m = new RegExp(`constexpr\\s+\\w+\\s+${name}\\s*=\\s*(\\w+)\\s*;`).exec(harness(file));
  if (!m) throw new Error(`bridge/harness/${file} declares no constant ${name}`);
  return Number(m[1]);
}

/** A TypeScript numeric enum as name → value (without the reverse mapping). */
function tsEnum(e: Record<string, string | number>): Map<string, number> {
  return new Map(Object.entries(e).filter((kv): kv is [string, number] => typeof kv[1] === 'number'));
}

const PAIRS: [string, string, Record<string, string | number>, (n: string) => string][] = [
  ['wire.h', 'Msg', Msg, (n) => n],
  ['wire.h', 'Op', Op, (n) => n],
  ['wire.h', 'Err', ErrCode, (n) => n],
  ['agent.h', 'AgentKind', AgentKind, (n) => n],
  ['agent.h', 'Qualifier', Qualifier, (n) => n],
  ['sim.h', 'TrigKind', TrigKind, (n) => n],
  ['sim.h', 'EdgeKind', EdgeKind, (n) => n],
  ['sim.h', 'Status', Status, (n) => n],
  ['sim.h', 'Phase', Phase, (n) => n],
  ['dut_signal.h', 'Dir', Dir, (n) => n],
  ['dut_signal.h', 'SigFlag', SigFlag, (n) => n.replace(/^k/, '')],
];

describe('the wire enums agree between the harness (C++) and the bridge (TypeScript)', () => {
  test.each(PAIRS)('%s %s', (file, name, ts, rename) => {
    const cpp = new Map([...cppEnum(file, name)].map(([k, v]) => [rename(k), v]));
    expect(Object.fromEntries(cpp)).toEqual(Object.fromEntries(tsEnum(ts)));
  });

  test('the protocol version and the STEP flag', () => {
    expect(cppConst('wire.h', 'kProtocolVersion')).toBe(PROTOCOL_VERSION);
    expect(cppConst('wire.h', 'kStepRun')).toBe(STEP_RUN);
  });

  test('the parser sees a difference (a renumbered or missing code fails)', () => {
    const cpp = cppEnum('wire.h', 'Msg');
    const ts = tsEnum(Msg);
    expect(cpp.size).toBeGreaterThan(10);
    cpp.set('AgentData', 0x8c);
    expect(Object.fromEntries(cpp)).not.toEqual(Object.fromEntries(ts));
    cpp.delete('AgentData');
    expect(Object.fromEntries(cpp)).not.toEqual(Object.fromEntries(ts));
  });
});
