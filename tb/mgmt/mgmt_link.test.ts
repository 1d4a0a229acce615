// The firmware's management-bus link (models/mgmt/mgmt_link.ts) on the UART's register model: a
// message sent again while its first copy still waits whole is not queued twice (a retry on a
// congested line only added load), and one sent again after its first copy started goes out.
import { expect, test } from 'vitest';
import { Rng } from '../../models/common/rng.js';
import { modelPort } from '../../models/common/reg_port.js';
import { unframe } from '../../models/mgmt/framing.js';
import { MgmtLink } from '../../models/mgmt/mgmt_link.js';
import { decodePacket } from '../../models/mgmt/mctp.js';
import { Parity } from '../../models/uart/uart_pkg.js';
import { UartModel } from '../../models/uart/uart.js';
import { UartDriver } from '../../models/uart/uart_driver.js';

const A = Uint8Array.of(0x7f, 0x01, 0x02, 0x03);
const B = Uint8Array.of(0x7f, 0x04, 0x05);

/** A link on a UART model whose FIFO holds a whole frame, and a line that takes what it sends. */
async function bench(): Promise<{ link: MgmtLink; line: () => Promise<number[][]> }> {
  const uart = new UartModel(64);
  const port = modelPort(uart);
  const link = new MgmtLink(new UartDriver(port, 64), 0x10, { divisor: 1, parity: Parity.None, stop2: false }, new Rng(1), () => 0);
  await link.init();
  // Sends every waiting frame, each character whole, and returns the message bodies in line order.
  const line = async (): Promise<number[][]> => {
    const sent: number[] = [];
    await link.start();
    while (link.pending > 0) {
      for (let c = uart.transmit(); c !== undefined; c = uart.transmit()) {
        sent.push(c);
        uart.transmitted();
      }
      await link.service(await port.batch(link.wakeOps()));
    }
    return unframe(sent).flatMap((e) => {
      if (e.kind !== 'packet') return [];
      const d = decodePacket(e.packet);
      return d.ok ? [Array.from(d.packet.payload)] : [];
    });
  };
  return { link, line };
}

test('a message sent again while its first copy waits whole is queued once', async () => {
  const { link, line } = await bench();
  link.send(0x11, A, true);
  link.send(0x11, B, true);
  link.send(0x11, A, true);
  expect(link.duplicates).toBe(1);
  expect(link.pending).toBe(2);
  expect(await line()).toEqual([Array.from(A), Array.from(B)]);
});

test('a message sent again after its first copy started goes out again', async () => {
  const { link, line } = await bench();
  link.send(0x11, A, true);
  await link.start();
  link.send(0x11, A, true);
  expect(link.duplicates).toBe(0);
  expect(link.pending).toBe(2);
  expect(await line()).toEqual([Array.from(A), Array.from(A)]);
});

test('the same body for another destination is another message', async () => {
  const { link, line } = await bench();
  link.send(0x11, A, true);
  link.send(0x12, A, true);
  expect(link.duplicates).toBe(0);
  expect(await line()).toEqual([Array.from(A), Array.from(A)]);
});
