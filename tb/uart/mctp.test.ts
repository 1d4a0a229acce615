// System-facing: MCTP messages over the management line. The sending cell's firmware (here the
// test) splits a message into packets, frames them (DSP0253) and feeds the bytes to its UART
// through APB as FIFO room allows; the other two UARTs' bytes are drained the same way and
// unframed and reassembled by the models, which must give back exactly the messages sent.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ApbMaster, ClockCycles, simProperty, type Simulator } from '../../bridge/src/index.js';
import { simTest, wavePath } from '../../bridge/src/vitest.js';
import { frame, Unframer } from '../../models/mgmt/framing.js';
import { BROADCAST_EID, cellEid, decodePacket, encodePacket, MessageType, Reassembler, splitMessage, type MctpPacket } from '../../models/mgmt/mctp.js';
import { Parity, charCycles, type LineSettings } from '../../models/uart/line.js';
import { UART_OFFSET as R } from '../../models/uart/uart_pkg.js';
import { configure, resetIdle } from './env.js';
import { uartBus } from './tops.js';

const test = simTest(uartBus, { simTimeout: [100, 'ms'] });
const DEPTH = 16;

describe('MCTP over the management UARTs', () => {
  test('random messages from cell 0 arrive, unframed and reassembled, at cells 1 and 2', async ({ sim, seed, task }) => {
    const dut = sim.dut;
    const s: LineSettings = { divisor: 2, parity: Parity.None, stop2: false };
    const messages = fc.array(
      fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.boolean(), fc.nat(7)),
      { minLength: 1, maxLength: 3 },
    );
    await simProperty(sim as Simulator<unknown>, messages, async (msgs) => {
      await resetIdle(dut, [dut.inject_i]);
      const apbs = [0, 1, 2].map((i) => ApbMaster.fromPrefix(dut, `apb${i}`, dut.clk_i));
      await Promise.all(apbs.map((a) => configure(a, s)));
      const sent = msgs.map(([body, broadcast, tag]) => ({
        message: Uint8Array.of(MessageType.VendorDefinedIana, ...body),
        dst: broadcast ? BROADCAST_EID : cellEid(1),
        tag,
      }));
      const wire = sent.flatMap((m) => splitMessage(m.message, { dst: m.dst, src: cellEid(0), tagOwner: true, tag: m.tag }))
        .flatMap((p) => [...frame(encodePacket(p))]);
      const rx = [1, 2].map(() => ({ unframer: new Unframer(), reassembler: new Reassembler(), got: [] as { dst: number; message: Uint8Array }[], errors: [] as string[] }));
      let next = 0;
      for (let idle = 0; idle < 3;) {
        // The firmware's loop: top up the TX FIFO, drain both RX FIFOs, let the line run.
        const [txLevel, ...rxLevels] = await Promise.all([apbs[0]!.read(R.LEVEL), apbs[1]!.read(R.LEVEL), apbs[2]!.read(R.LEVEL)]);
        const room = Math.min(DEPTH - (txLevel!.data & 0xff), wire.length - next);
        const writes = wire.slice(next, next + room).map((b) => apbs[0]!.write(R.TXDATA, b));
        next += room;
        const reads = rxLevels.map((l, k) => Promise.all(Array.from({ length: l.data >> 8 }, () => apbs[k + 1]!.read(R.RXDATA))));
        const [, ...drained] = await Promise.all([Promise.all(writes), ...reads]);
        drained.forEach((rs, k) => {
          const r = rx[k]!;
          for (const ev of r.unframer.push(rs.map((x) => x.data & 0xff))) {
            if (ev.kind === 'error') r.errors.push(`${ev.reason} at ${ev.offset}: ${ev.detail}`);
            else for (const m of r.reassembler.push(decodeOrThrow(ev.packet))) {
              if (m.kind === 'message') r.got.push({ dst: m.dst, message: m.message });
              else r.errors.push(`dropped: ${m.reason}`);
            }
          }
        });
        idle = next === wire.length && drained.every((d) => d.length === 0) ? idle + 1 : 0;
        await ClockCycles(dut.clk_i, 8 * charCycles(s));
      }
      for (const [k, r] of rx.entries()) {
        expect(r.errors, `cell ${k + 1}: framing or reassembly errors`).toEqual([]);
        expect(r.got.map((m) => [m.dst, [...m.message]]), `cell ${k + 1}: messages`).toEqual(sent.map((m) => [m.dst, [...m.message]]));
      }
      expect((await apbs[0]!.read(R.EVENTS)).data, 'sender EVENTS').toBe(0);
    }, { seed, numRuns: 6, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });
});

function decodeOrThrow(bytes: Uint8Array): MctpPacket {
  const d = decodePacket(bytes);
  if (!d.ok) throw new Error(`a packet that passed the FCS does not decode: ${d.reason} (${d.detail})`);
  return d.packet;
}
