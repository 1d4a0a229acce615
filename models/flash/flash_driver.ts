/**
 * The management processor's flash driver: one operation through the controller's CSRs, over a
 * register-access port, so the same code runs against the RTL (an APB master) and against
 * {@link FlashCsrModel}.
 */
import type { RegAccess } from '../common/regmap.js';
import { FlashErr, FlashOp, type FlashRequest } from './spi_flash_ctrl.js';
import { FLASH_OFFSET } from './regs.js';

/** A register-access port: APB reads and writes of the block's window. */
export interface RegPort {
  write(offset: number, data: number): RegAccess | Promise<RegAccess>;
  read(offset: number): RegAccess | Promise<RegAccess>;
}

/** STATUS bits. */
export const STATUS = {
  BUSY: 1 << 0,
  DONE: 1 << 1,
  ERR_PROTECT: 1 << 2,
  ERR_TIMEOUT: 1 << 3,
  ERR_COMMAND: 1 << 4,
  TX_OVERFLOW: 1 << 5,
} as const;

const FLAGS = STATUS.DONE | STATUS.ERR_PROTECT | STATUS.ERR_TIMEOUT | STATUS.ERR_COMMAND | STATUS.TX_OVERFLOW;

/** What a CSR operation gives back. */
export interface CsrResult {
  readonly err: FlashErr;
  readonly data: Uint8Array;
  /** CRC register after the operation. */
  readonly crc: number;
  /** STATUS flags seen at the end (DONE and ERR_*), before the driver cleared them. */
  readonly flags: number;
}

/** Bytes an operation returns through the RX FIFO. */
export function readBytes(req: FlashRequest): number {
  switch (req.op) {
    case FlashOp.Read:
    case FlashOp.FastRead:
      return req.len;
    case FlashOp.ReadStatus:
      return 1;
    case FlashOp.ReadId:
      return 3;
    default:
      return 0;
  }
}

/**
 * Runs one operation: ADDR, LEN, the program data, CMD, then `wait()` and STATUS until DONE (or
 * ERR_COMMAND alone: the command was refused), draining the RX FIFO as it fills (so reads may be
 * longer than the FIFO), then CRC; clears the flags it saw. A program longer than the TX FIFO
 * (256 bytes) overflows it and is refused with {@link FlashErr.Command}: split it by pages.
 */
export async function csrOperation(port: RegPort, req: FlashRequest, wait: () => Promise<void>): Promise<CsrResult> {
  await port.write(FLASH_OFFSET.ADDR, req.addr);
  await port.write(FLASH_OFFSET.LEN, req.len);
  if (req.op === FlashOp.Program && req.data) {
    for (let i = 0; i < req.data.length; i += 4) {
      const d = req.data;
      await port.write(FLASH_OFFSET.TXDATA, (d[i]! | ((d[i + 1] ?? 0) << 8) | ((d[i + 2] ?? 0) << 16) | ((d[i + 3] ?? 0) << 24)) >>> 0);
    }
  }
  await port.write(FLASH_OFFSET.CMD, req.op);
  const words: number[] = [];
  let status = 0;
  const drain = async (): Promise<number> => {
    status = (await port.read(FLASH_OFFSET.STATUS)).data;
    const n = (status >>> 16) & 0x7f;
    const reads: (RegAccess | Promise<RegAccess>)[] = [];
    for (let i = 0; i < n; i++) reads.push(port.read(FLASH_OFFSET.RXDATA));
    for (const r of await Promise.all(reads)) words.push(r.data);
    return n;
  };
  do {
    await wait();
    await drain();
  } while (!(status & (STATUS.DONE | STATUS.ERR_COMMAND)));
  while ((await drain()) > 0);  // words pushed between the STATUS read and DONE
  const crc = (await port.read(FLASH_OFFSET.CRC)).data;
  const flags = status & FLAGS;
  await port.write(FLASH_OFFSET.STATUS, flags);
  const err = flags & STATUS.ERR_PROTECT ? FlashErr.Protect : flags & STATUS.ERR_TIMEOUT ? FlashErr.Timeout
    : flags & STATUS.ERR_COMMAND ? FlashErr.Command : FlashErr.None;
  const n = err === FlashErr.None ? readBytes(req) : 0;
  const data = Uint8Array.from({ length: n }, (_, i) => (words[i >> 2]! >>> (8 * (i & 3))) & 0xff);
  return { err, data, crc, flags };
}
