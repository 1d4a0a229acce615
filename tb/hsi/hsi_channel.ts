/**
 * The model of tb/hdl/hsi_channel.sv, bit for bit and cycle by cycle, and the encodings of its
 * rate inputs. The flips come from a geometric gap counter: the error-free bits before the next
 * flip are floor(-log2(u / 2^64) / r) for a uniform u in 1..2^64-1 and r = -log2(1 - BER), so
 * P(gap >= g) = (1 - BER)^g; the logarithm is computed in integers (48 fractional bits, by
 * repeated squaring), so model and RTL agree exactly and a run is a pure function of its seed.
 */

const M64 = (1n << 64n) - 1n;
const M66 = (1n << 66n) - 1n;
const FRAC_BITS = 48n;

/** The channel's ber_i for a bit error rate: -log2(1 - BER) in 16.48 fixed point (0: no flips). */
export function berRate(ber: number): bigint {
  if (!(ber >= 0 && ber < 0.5)) throw new RangeError(`a BER must be in [0, 0.5) (got ${ber})`);
  return BigInt(Math.round((-Math.log1p(-ber) / Math.LN2) * 2 ** Number(FRAC_BITS)));
}

/** The channel's drop_rate_i / slip_rate_i for a probability per block (2^-32 steps). */
export function blockRate(p: number): number {
  if (!(p >= 0 && p < 1)) throw new RangeError(`a probability per block must be in [0, 1) (got ${p})`);
  return Math.min(0xffffffff, Math.round(p * 2 ** 32));
}

/** Marsaglia's xorshift64 (13, 7, 17): never 0 from a nonzero state. */
export function xorshift64(x: bigint): bigint {
  let y = x ^ ((x << 13n) & M64);
  y ^= y >> 7n;
  return y ^ ((y << 17n) & M64);
}

/** A generator's start from seed_i (the RTL's seed_state): nonzero for every seed. */
function seedState(seed: number, mult: bigint): bigint {
  return ((BigInt(seed >>> 0) + 1n) * mult) & M64;
}

/** floor(-log2(u / 2^64) * 2^48 / rate), as the RTL's geometric_gap computes it. */
export function geometricGap(u: bigint, rate: bigint): bigint {
  let m = u;
  let lz = 0n;
  while (!(m >> 63n)) {
    m <<= 1n;
    lz++;
  }
  let frac = 0n;
  for (let i = 0n; i < FRAC_BITS; i++) {
    const sq = (m * m) >> 63n;
    const bit = sq >> 64n;
    frac = (frac << 1n) | bit;
    m = bit ? sq >> 1n : sq & M64;
  }
  return (((lz + 1n) << FRAC_BITS) - frac) / rate;
}

/** Configuration of a channel: the RTL's parameter and its rate and seed inputs. */
export interface ChannelConfig {
  /** @defaultValue 2 */
  readonly latency?: number;
  /** seed_i @defaultValue 0 */
  readonly seed?: number;
  /** ber_i ({@link berRate}) @defaultValue 0n */
  readonly ber?: bigint;
  /** drop_rate_i ({@link blockRate}) @defaultValue 0 */
  readonly dropRate?: number;
  /** slip_rate_i @defaultValue 0 */
  readonly slipRate?: number;
}

/** One cycle's inputs besides the configuration. */
export interface ChannelIn {
  readonly lane: bigint;
  /** @defaultValue false */
  readonly drop?: boolean;
  /** @defaultValue false */
  readonly slip?: boolean;
  /** @defaultValue false */
  readonly cut?: boolean;
}

/** The outputs after an edge. */
export interface ChannelOut {
  readonly valid: boolean;
  readonly lane: bigint;
}

/** hsi_channel, an edge per {@link HsiChannel.step}. */
export class HsiChannel {
  private readonly latency: number;
  private readonly seed: number;
  private readonly ber: bigint;
  private readonly dropRate: number;
  private readonly slipRate: number;
  private flipRng = 0n;
  private evRng = 0n;
  private gap = 0n;
  private armed = false;
  private readonly dly: bigint[];
  private offset = 0;
  private dropQ = false;
  private holeQ = false;
  private cutQ = false;
  /** Bits flipped, blocks dropped and slips so far (flips_o, drops_o, slips_o). */
  flips = 0n;
  drops = 0;
  slips = 0;

  constructor(config: ChannelConfig = {}) {
    this.latency = config.latency ?? 2;
    if (!Number.isInteger(this.latency) || this.latency < 2) throw new RangeError(`latency must be a whole number of cycles, at least 2 (got ${this.latency})`);
    this.seed = config.seed ?? 0;
    this.ber = config.ber ?? 0n;
    this.dropRate = config.dropRate ?? 0;
    this.slipRate = config.slipRate ?? 0;
    this.dly = new Array<bigint>(this.latency + 1).fill(0n);
  }

  /** The outputs as they stand. */
  get outputs(): ChannelOut {
    const L = this.latency;
    const win = this.dropQ ? (this.dly[L - 2]! << 66n) | this.dly[L - 1]! : (this.dly[L - 1]! << 66n) | this.dly[L]!;
    return { valid: !this.holeQ, lane: this.cutQ ? 0n : (win >> BigInt(66 - this.offset)) & M66 };
  }

  /** The flip mask of this cycle's block; advances the flip generator and the gap. */
  private flipMask(): bigint {
    let rng = this.flipRng === 0n ? seedState(this.seed, 0x9e3779b97f4a7c15n) : this.flipRng;
    let mask = 0n;
    if (this.ber !== 0n) {
      let pos = this.gap;
      if (!this.armed) {
        rng = xorshift64(rng);
        pos = geometricGap(rng, this.ber);
      }
      while (pos < 66n) {
        mask |= 1n << pos;
        rng = xorshift64(rng);
        pos += 1n + geometricGap(rng, this.ber);
      }
      this.gap = pos - 66n;
    }
    this.armed = this.ber !== 0n;
    this.flipRng = rng;
    return mask;
  }

  /** One clock edge with `input` on the inputs; returns the outputs after it. */
  step(input: ChannelIn): ChannelOut {
    const mask = this.flipMask();
    this.evRng = xorshift64(this.evRng === 0n ? seedState(this.seed, 0xd1b54a32d192ed03n) : this.evRng);
    const dropEv = !!input.drop || Number(this.evRng & 0xffffffffn) < this.dropRate;
    const slipEv = !!input.slip || Number(this.evRng >> 32n) < this.slipRate;
    const dropD = dropEv && !this.dropQ;
    for (let i = this.latency; i > 0; i--) this.dly[i] = this.dly[i - 1]!;
    this.dly[0] = input.lane ^ mask;
    if (slipEv) {
      this.offset = (this.offset + 1) % 66;
      this.slips++;
    }
    this.holeQ = this.dropQ;
    this.dropQ = dropD;
    if (dropD) this.drops++;
    this.cutQ = !!input.cut;
    for (let m = mask; m; m &= m - 1n) this.flips++;
    return this.outputs;
  }
}
