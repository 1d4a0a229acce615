/**
 * The timeline `make sim` prints as the heal runs: one line per event (cycle, cell, what
 * happened) and a progress bar per transfer (cli-progress on a terminal; on a pipe or in CI, a
 * line at each quarter, so a log keeps the same facts).
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { AnnounceNews, describe } from './describe.js';
import type { SimEvent } from './events.js';

/** Where the timeline goes. @defaultValue process.stdout */
export interface TimelineSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

interface Transfer {
  readonly total: number;
  readonly seen: Set<number>;
  bytes: number;
  quarter: number;
  bar?: SingleBar;
}

const line = (cycle: number, cell: number | string, text: string): string =>
  `${cycle.toLocaleString('en-US').padStart(13)}  cell ${String(cell).padEnd(2)}  ${text}\n`;

/** Prints events as they come. */
export class Timeline {
  readonly #out: TimelineSink;
  readonly #bars?: MultiBar;
  readonly #transfers = new Map<string, Transfer>();
  readonly #announces = new AnnounceNews();
  /** Image bytes per transfer when no RequestUpdate said how many. */
  readonly #imageBytes: number;

  constructor(imageBytes: number, out: TimelineSink = process.stdout) {
    this.#out = out;
    this.#imageBytes = imageBytes;
    if (out.isTTY) {
      this.#bars = new MultiBar({
        format: ' {label} {bar} {percentage}% {value}/{total} bytes',
        hideCursor: true,
        clearOnComplete: false,
        stream: out as NodeJS.WriteStream,
      }, Presets.shades_classic);
    }
    this.#out.write(`${'cycle'.padStart(13)}  cell  event\n`);
  }

  /** A line of the timeline (not an event: a heading, a result). */
  note(cycle: number, cell: number | string, text: string): void {
    this.#print(line(cycle, cell, text));
  }

  event(e: SimEvent): void {
    if (e.kind === 'message') {
      const said = this.#announces.news(e) ? describe(e) : undefined;
      if (said) this.#print(line(e.time, said.cell, said.text));
      if (e.name === 'RequestUpdate' && e.request && e.dst !== undefined) this.#start(e.src, e.dst, e.fields.image_len as number);
      return;
    }
    const t = this.#transfers.get(`${e.src}>${e.dst}`) ?? this.#start(e.src, e.dst, this.#imageBytes);
    if (t.seen.has(e.offset)) return;  // a repeated frame or chunk: idempotent at the receiver
    t.seen.add(e.offset);
    t.bytes = Math.min(t.total, t.bytes + e.bytes);
    t.bar?.update(t.bytes);
    const q = Math.floor((4 * t.bytes) / t.total);
    if (q > t.quarter) {
      t.quarter = q;
      if (!t.bar) this.#print(line(e.time, e.dst, `image from cell ${e.src} over ${e.path === 'hsi' ? 'the HSI' : 'the management bus'}: ${q * 25} % (${t.bytes} of ${t.total} bytes)`));
    }
  }

  /** Stops the bars (their last state stays on the terminal). */
  end(): void {
    this.#bars?.stop();
  }

  #start(src: number, dst: number, total: number): Transfer {
    const key = `${src}>${dst}`;
    const old = this.#transfers.get(key);
    if (old) return old;  // a resumed transfer keeps its bar
    const t: Transfer = { total, seen: new Set(), bytes: 0, quarter: 0 };
    t.bar = this.#bars?.create(total, 0, { label: `cell ${dst} ← cell ${src}` });
    this.#transfers.set(key, t);
    return t;
  }

  #print(text: string): void {
    if (this.#bars) this.#bars.log(text);
    else this.#out.write(text);
  }
}
