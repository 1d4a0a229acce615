// System-facing: MCTP messages over the management line. The sending cell's firmware (here the
// test) splits a message into packets, frames them (DSP0253) and feeds the bytes to its UART
// through APB as FIFO room allows; the other two UARTs' bytes are drained the same way and
// unframed and reassembled by the models, which must give back exactly the messages sent.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ClockCycles, simProperty, type Simulator } from '../../bridge/src/index.js';
import { wavePath } from '../../bridge/src/vitest.js';
import { frame, Unframer } from '../../models/mgmt/framing.js';
import { BROADCAST_EID, cellEid, decodePacket, encodePacket, MessageType, Reassembler, splitMessage, type MctpPacket } from '../../models/mgmt/mctp.js';
import { charCycles, type LineSettings } from '../../models/uart/line.js';
import { Parity } from '../../models/uart/uart_pkg.js';
import { busUartTest } from './env.js';

const test = busUartTest({ simTimeout: [100, 'ms'] });

describe('MCTP over the management UARTs', () => {
  test('random messages from cell 0 arrive, unframed and reassembled, at cells 1 and 2', async ({ sim, uarts, seed, task }) => {
    const dut = sim.dut;
    const s: LineSettings = { divisor: 2, parity: Parity.None, stop2: false };
    const messages = fc.array(
      fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.boolean(), fc.nat(7)),
      { minLength: 1, maxLength: 3 },
    );
    await simProperty(sim as Simulator<unknown>, messages, async (msgs) => {
      const [tx, ...rxs] = (await uarts([0, 1, 2].map((i) => ({ prefix: `apb${i}`, settings: s })))).map((e) => e.uart);
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
        const [txLevel, ...rxLevels] = await Promise.all([tx!.levels(), ...rxs.map((u) => u.levels())]);
        const room = Math.min(tx!.fifoDepth - txLevel!.tx, wire.length - next);
        const writes = tx!.send(wire.slice(next, next + room));
        next += room;
        // Exactly as many reads as each RX FIFO holds: one round trip for all three UARTs.
        const [, ...drained] = await Promise.all([writes, ...rxs.map((u, k) => u.drain(rxLevels[k]!.rx))]);
        drained.forEach((bytes, k) => {
          const r = rx[k]!;
          for (const ev of r.unframer.push(bytes)) {
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
      expect(await tx!.events(), 'sender EVENTS').toBe(0);
    }, { seed, numRuns: 6, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });
});

function decodeOrThrow(bytes: Uint8Array): MctpPacket {
  const d = decodePacket(bytes);
  if (!d.ok) throw new Error(`a packet that passed the FCS does not decode: ${d.reason} (${d.detail})`);
  return d.packet;
}
