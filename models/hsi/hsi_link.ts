/**
 * The HSI link endpoint (rtl/hsi/hsi_link.sv) at its register interface: the generated register
 * map with the link state behind it and its counters, at transaction level. The lane side is
 * the caller's: {@link HsiLinkModel.trained} is lock plus the InitFC exchange done,
 * {@link HsiLinkModel.fail} a reason to go down, {@link HsiLinkModel.count} an event a counter
 * counts. The state's rules (rtl/hsi/README.md, "The link layer") are here so the cell and fleet
 * models compose them with the RTL's bounds ({@link linkBounds}).
 */
import { RegBlockModel, type RegAccess } from '../common/regmap.js';
import { HSI_CTRL, LinkState, REPLAY_LIMIT, hsiRegs } from './hsi_pkg.js';

/** Counter registers, by name (each counts one event). */
export type HsiCounter =
  | 'FRAMES_SENT' | 'FRAMES_RECEIVED' | 'FRAMES_REPLAYED' | 'CRC_ERRORS' | 'FRAME_ERRORS'
  | 'NAKS_SENT' | 'NAKS_RECEIVED' | 'TIMER_EXPIRIES' | 'LOCK_LOSSES';

/** Why an up link goes down. */
export type DownReason = 'replay-budget' | 'lock-timeout' | 'peer-restart';

/** The link's parameters that set its bounds (hsi_link's). */
export interface LinkParams {
  /** ReplayTimeout, cycles. @defaultValue 1024 */
  readonly replayTimeout?: number;
  /** LockTimeout, cycles. @defaultValue (REPLAY_LIMIT - 1) * replayTimeout */
  readonly lockTimeout?: number;
}

/** The link's time bounds, in cycles (rtl/hsi/README.md, "A cut"). */
export interface LinkBounds {
  readonly replayTimeout: number;
  readonly lockTimeout: number;
  /** A cut of at most this many cycles resumes without loss or duplication. */
  readonly cutResumes: number;
  /** A cut of at least this many cycles takes the link down. */
  readonly cutDowns: number;
}

/** Lock is back within the acquisition bound (328 blocks) and a window after a cut ends. */
const RELOCK_CYCLES = 400;
/** A cut loses the lock within 31 blocks (16 bad headers in windows of 64). */
const LOSS_CYCLES = 31;

/** The bounds of a link with `params`. */
export function linkBounds(params: LinkParams = {}): LinkBounds {
  const replayTimeout = params.replayTimeout ?? 1024;
  const lockTimeout = params.lockTimeout ?? (REPLAY_LIMIT - 1) * replayTimeout;
  return {
    replayTimeout,
    lockTimeout,
    cutResumes: Math.min(lockTimeout, (REPLAY_LIMIT - 1) * replayTimeout) - RELOCK_CYCLES,
    cutDowns: lockTimeout + LOSS_CYCLES,
  };
}

/** The register block and the link state of one endpoint. */
export class HsiLinkModel {
  readonly regs: RegBlockModel;
  private stateQ = LinkState.Disabled;
  private readonly counts = new Map<HsiCounter, number>();
  private readonly credits = [0, 0];
  private lock = false;
  /** Clears so far (restarts and disables): the RTL empties its buffers at each. */
  clears = 0;
  /** Why the link last went down. */
  downReason?: DownReason;

  /** `followPeer`: hsi_link's FollowPeer (a crossbar port): Down restarts itself when the peer trains. */
  constructor(private readonly followPeer = false) {
    this.regs = new RegBlockModel(hsiRegs, { onWrite: (reg, data) => this.onWrite(reg, data) });
    // ENABLE resets to 1: out of reset the link trains.
    this.enableChanged();
    this.refresh();
  }

  /** The link state (STATUS.STATE). */
  get state(): LinkState {
    return this.stateQ;
  }

  /** irq_o: STATUS.DOWN or STATUS.TX_BAD_FRAME. */
  get irq(): boolean {
    return this.regs.field('STATUS', 'DOWN') !== 0 || this.regs.field('STATUS', 'TX_BAD_FRAME') !== 0;
  }

  write(offset: number, data: number): RegAccess {
    const r = this.regs.write(offset, data >>> 0);
    this.refresh();
    return r;
  }

  read(offset: number): RegAccess {
    this.refresh();
    return this.regs.read(offset);
  }

  /** Lock and the InitFC exchange are done: Train becomes Up. */
  trained(): void {
    if (this.stateQ === LinkState.Train) this.stateQ = LinkState.Up;
    this.refresh();
  }

  /** A reason to go down: an up link goes down (sticky, STATUS.DOWN); otherwise nothing. */
  fail(reason: DownReason): void {
    if (this.stateQ !== LinkState.Up) return;
    this.downReason = reason;
    this.stateQ = LinkState.Down;
    this.regs.raise('STATUS', 'DOWN');
    this.refresh();
  }

  /** An FC with init 1 came in (the peer trains): an up link goes down; a following one that is down trains again. */
  peerTrains(): void {
    if (this.stateQ === LinkState.Up) return this.fail('peer-restart');
    if (this.stateQ !== LinkState.Down || !this.followPeer) return;
    this.stateQ = LinkState.Train;
    this.clears++;
    this.refresh();
  }

  /** One event of a counter. */
  count(counter: HsiCounter, n = 1): void {
    this.counts.set(counter, ((this.counts.get(counter) ?? 0) + n) >>> 0);
    this.refresh();
  }

  /** What STATUS.LOCK and CREDITS show. */
  observe(lock: boolean, credits: readonly [number, number]): void {
    this.lock = lock;
    this.credits[0] = credits[0];
    this.credits[1] = credits[1];
    this.refresh();
  }

  /** A frame of 0 or more than 1024 bytes came in on s_axis. */
  badFrame(): void {
    this.regs.raise('STATUS', 'TX_BAD_FRAME');
  }

  private onWrite(reg: string, data: number): void {
    if (reg !== 'CTRL') return;
    const enabled = this.regs.field('CTRL', 'ENABLE') !== 0;
    if (!enabled) this.enableChanged();
    else if (HSI_CTRL.RESTART.get(data) || this.stateQ === LinkState.Disabled) {
      this.stateQ = LinkState.Train;
      this.clears++;
    }
  }

  private enableChanged(): void {
    if (this.regs.field('CTRL', 'ENABLE') !== 0) {
      this.stateQ = LinkState.Train;
    } else {
      this.stateQ = LinkState.Disabled;
    }
    this.clears++;
  }

  private refresh(): void {
    this.regs.setHw('STATUS', 'STATE', this.stateQ);
    this.regs.setHw('STATUS', 'LOCK', this.lock ? 1 : 0);
    this.regs.setHw('CREDITS', 'VC0', this.credits[0]!);
    this.regs.setHw('CREDITS', 'VC1', this.credits[1]!);
    for (const [name, n] of this.counts) this.regs.setHw(name, 'COUNT', n);
  }
}
