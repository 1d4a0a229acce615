// The firmware receiver's signals a passive observer samples (fw_dma_rx: each frame judged at its
// last beat), made public by tb/cell/hdl/fw_dma_rx_probe.vlt in every top with a cell. Free of
// vitest, so the benches and make sim use it too.
import type { SignalHandle } from '../../bridge/src/index.js';

/** fw_dma_rx's judgement of a frame: `take` on its last beat (`s_axis_tlast_i`), `ok` or refused. */
export interface RxProbe {
  readonly take: SignalHandle<number>;
  readonly ok: SignalHandle<number>;
  readonly s_axis_tlast_i: SignalHandle<number>;
  /** The frame's image offset and payload bytes after it, and the source cell. */
  readonly offset: SignalHandle<number>;
  readonly data_len: SignalHandle<number>;
  readonly src: SignalHandle<number>;
  /** The next offset in order: a frame below it is a repeat. */
  readonly next_q: SignalHandle<number>;
}
