/**
 * The management processor's flash driver: one operation through the controller's CSRs, over a
 * {@link RegPort}, so the same code runs against the RTL (an APB master) and against
 * {@link FlashCsrModel} (through `modelPort`).
 */
import { readOp, writeOp, type RegPort } from '../common/reg_port.js';
import { fromWords, toWords } from '../common/words.js';
import type { FlashRequest } from './spi_flash_ctrl.js';
import { FLASH_OFFSET as R, FLASH_STATUS as S, FlashErr, FlashOp } from './spi_flash_pkg.js';

/** The STATUS flags an operation ends with (w1c): DONE and the errors. */
const FLAGS = S.DONE.mask | S.ERR_PROTECT.mask | S.ERR_TIMEOUT.mask | S.ERR_COMMAND.mask | S.TX_OVERFLOW.mask;

/** What a CSR operation gives back. */
export interface CsrResult {
  readonly err: FlashErr;
  readonly data: Uint8Array;
  /** CRC register after the operation. */
  readonly crc: number;
  /** STATUS flags seen at the end (DONE and ERR_*), before the driver cleared them. */
  readonly flags: number;
  /** When the driver's last access (clearing the flags) completed, in the port's time base. */
  readonly time: bigint;
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
 * Runs one operation: ADDR, LEN, the program data and CMD in one batch, then `wait()` and
 * STATUS until DONE (or ERR_COMMAND alone: the command was refused), draining the RX FIFO as it
 * fills (so reads may be longer than the FIFO), then CRC; clears the flags it saw. A program
 * longer than the TX FIFO (256 bytes) overflows it and is refused with {@link FlashErr.Command}:
 * split it by pages.
 */
export async function csrOperation(port: RegPort, req: FlashRequest, wait: () => Promise<void>): Promise<CsrResult> {
  const program = req.op === FlashOp.Program && req.data ? req.data : new Uint8Array(0);
  const tx = toWords(program).map((w) => writeOp(R.TXDATA, w));
  await port.batch([writeOp(R.ADDR, req.addr), writeOp(R.LEN, req.len), ...tx, writeOp(R.CMD, req.op)]);
  const words: number[] = [];
  let status = 0;
  const drain = async (): Promise<number> => {
    status = (await port.read(R.STATUS)).data;
    const n = S.RX_LEVEL.get(status);
    for (const r of await port.batch(Array.from({ length: n }, () => readOp(R.RXDATA)))) words.push(r.data);
    return n;
  };
  do {
    await wait();
    await drain();
  } while (!(status & (S.DONE.mask | S.ERR_COMMAND.mask)));
  while ((await drain()) > 0);  // words pushed between the STATUS read and DONE
  const crc = (await port.read(R.CRC)).data;
  const flags = status & FLAGS;
  const { time } = await port.write(R.STATUS, flags);
  const err = flags & S.ERR_PROTECT.mask ? FlashErr.Protect : flags & S.ERR_TIMEOUT.mask ? FlashErr.Timeout
    : flags & S.ERR_COMMAND.mask ? FlashErr.Command : FlashErr.None;
  const n = err === FlashErr.None ? readBytes(req) : 0;
  const data = fromWords(words, n);
  return { err, data, crc, flags, time };
}
