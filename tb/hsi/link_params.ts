// hsi_link_tb's link parameters as the tests rely on them (the RTL's defaults; hsi_link.sv).
import { linkBounds } from '../../models/hsi/hsi_link.js';

/** RxBuffers: receive buffers per vc, the credits each end grants. */
export const RX_BUFFERS = 8;
/** TxSlots: replay-buffer frames per vc. */
export const TX_SLOTS = 8;
/** ReplayTimeout of hsi_link_tb. */
export const REPLAY_TIMEOUT = 1024;
/** The cut bounds of that link. */
export const BOUNDS = linkBounds({ replayTimeout: REPLAY_TIMEOUT });
/** FcPeriod: every credit freed is advertised within this many cycles (the FC refresh). */
export const FC_PERIOD = 1024;
/** The bench's clock period (tb/common/bench.ts's default). */
export const CLOCK_NS = 10;
