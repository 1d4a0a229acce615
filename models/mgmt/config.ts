/**
 * The firmware's settings: line and flash rates, periods and timeouts, all in clock cycles and
 * derived from the bit rate and the flash part, so "a timeout" means the same time on the model
 * and on the RTL.
 */
import { IMAGE_REGION_BYTES } from '../cell/cell_pkg.js';
import { flashOpCycles, BENCH_FLASH_TIMING, type FlashTiming } from '../cell/flash_timing.js';
import { FlashOp, PAGE_BYTES } from '../flash/spi_flash_pkg.js';
import { charCycles, type LineSettings } from '../uart/line.js';
import { Parity } from '../uart/uart_pkg.js';
import type { RetryPolicy } from './conversations.js';
import { eraseExtent } from './flash_jobs.js';

/** Everything the firmware is told. */
export interface FirmwareConfig {
  /** Seeds the back-offs and jitters (with the cell's index). */
  readonly seed: number;
  readonly uart: LineSettings;
  /** The flash controller's CTRL.DIV. */
  readonly flashDiv: number;
  /** The part's busy times (to size the timeouts of answers that wait for an erase). */
  readonly timing: FlashTiming;
  /** Who may start a heal: the errored cell (pull, FW_ERROR_NOTIFY) and/or the update cell (push, RequestUpdate). */
  readonly pull: boolean;
  readonly push: boolean;
  /** ANNOUNCE period. */
  readonly announcePeriod: number;
  /** Period of the image check after boot (deferred while a transfer touches the flash). */
  readonly checkPeriod: number;
  /** After its boot check, how long a cell listens before it reports that no valid image exists. */
  readonly settle: number;
  /** A peer not heard for this long is forgotten (it died, or was reset and is still checking). */
  readonly peerTimeout: number;
  /** The update cell gathers errored cells for this long before it starts a send to all of them. */
  readonly gatherWindow: number;
  /** The short requests. */
  readonly request: RetryPolicy;
  /** RequestFirmwareData (its answer carries 512 bytes). */
  readonly dataRequest: RetryPolicy;
  /** A receiving cell that sees no progress for this long takes its update cell for dead. */
  readonly stallTimeout: number;
  /** A receiving cell on the HSI that gets no frame for this long goes on over the management bus (the sender's lane may be down). */
  readonly frameStall: number;
}

/** Options of {@link firmwareConfig}. */
export interface ConfigOptions {
  readonly seed: number;
  /** UART DIV.DIVISOR. @defaultValue 1 */
  readonly uartDiv?: number;
  /** @defaultValue 0 */
  readonly flashDiv?: number;
  /** @defaultValue the flash bench's part */
  readonly timing?: FlashTiming;
  /** @defaultValue true */
  readonly pull?: boolean;
  /** @defaultValue true */
  readonly push?: boolean;
  /** The largest image (the erase a HSI_LINK_ENABLE answer may wait for). @defaultValue IMAGE_REGION_BYTES */
  readonly maxImageBytes?: number;
}

/** The longest message: a RequestFirmwareData response, 9 packets of up to 73 framed bytes (escapes aside). */
const LONGEST_RESPONSE_CHARS = 9 * 80;

/** The settings, derived from the line's and the part's rates. */
export function firmwareConfig(o: ConfigOptions): FirmwareConfig {
  const uart: LineSettings = { divisor: o.uartDiv ?? 1, parity: Parity.None, stop2: false };
  const flashDiv = o.flashDiv ?? 0;
  const timing = o.timing ?? BENCH_FLASH_TIMING;
  const ch = charCycles(uart);
  const erase = eraseExtent(o.maxImageBytes ?? IMAGE_REGION_BYTES).reduce((c, r) => c + flashOpCycles(timing, flashDiv, r.op, r.addr, r.len), 0);
  const page = flashOpCycles(timing, flashDiv, FlashOp.Program, 0, PAGE_BYTES);
  // A short request and its answer are ~30 characters each; 16 cells' announcements may come first.
  const shortTimeout = 700 * ch;
  const request: RetryPolicy = { timeout: shortTimeout, retries: 4, backoff: 64 * ch };
  return {
    seed: o.seed, uart, flashDiv, timing, pull: o.pull ?? true, push: o.push ?? true,
    announcePeriod: 4000 * ch,
    checkPeriod: 40_000 * ch,
    settle: 6000 * ch,
    peerTimeout: 3 * 4000 * ch + 4 * shortTimeout,
    gatherWindow: 200 * ch,
    request,
    dataRequest: { timeout: shortTimeout + 2 * LONGEST_RESPONSE_CHARS * ch + 2 * page, retries: 4, backoff: 64 * ch },
    // Eight frames' page programs, or an erase of the largest image, with a request's time on top.
    stallTimeout: Math.max(16 * page, erase) + 2 * shortTimeout,
    // On the HSI the erase is done: eight frames' page programs (a slower receiver paces the send) and a request's time.
    frameStall: 16 * page + 2 * shortTimeout,
  };
}

/** The time an answer that needs the erase of `imageBytes` may take. */
export function eraseCycles(c: FirmwareConfig, imageBytes: number): number {
  return eraseExtent(imageBytes).reduce((t, r) => t + flashOpCycles(c.timing, c.flashDiv, r.op, r.addr, r.len), 0);
}
