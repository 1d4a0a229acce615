/**
 * Requests and replies over the management bus, as DESIGN.md section 4 asks: a request times
 * out and goes again with the same instance id after a seeded back-off, a few times, then
 * fails; a responder that sees a retry (same source, command and instance) sends its cached
 * reply again instead of acting twice (so a retried RequestUpdate never reads as
 * ALREADY_IN_UPDATE_MODE), and ignores it while its first answer is still being prepared.
 */
import { Rng } from '../common/rng.js';
import {
  CompletionCode,
  encodeRequest,
  encodeResponse,
  MAX_INSTANCE,
  type Message,
  type MessageName,
  type RequestOf,
  type ResponseOf,
} from './messages.js';

/** How requests time out and retry. */
export interface RetryPolicy {
  /** Cycles to wait for the response of each try. */
  readonly timeout: number;
  /** Tries after the first. */
  readonly retries: number;
  /** The back-off before a retry: a seeded draw in [0, backoff) cycles. */
  readonly backoff: number;
}

interface Pending {
  readonly dst: number;
  readonly name: MessageName;
  readonly instance: number;
  readonly body: Uint8Array;
  readonly policy: RetryPolicy;
  tries: number;
  deadline: number;
  readonly done: (r: Message | undefined) => void;
}

/** Where conversations send: the link and the clock of the firmware. */
export interface Wire {
  send(dst: number, body: Uint8Array, request: boolean): void;
  now(): number;
}

/**
 * A responder's answer: it may run later (an answer that needs an erase first); the fields are
 * the response row's of the request's command (encodeResponse checks each).
 */
export type Reply = (cc: CompletionCode, fields: Readonly<Record<string, number | Uint8Array>>) => void;

const CACHE = 64;

/** The request side and the reply cache of one firmware. */
export class Conversations {
  #instance = 0;
  readonly #pending: Pending[] = [];
  /** Replies by source and request bytes (a retry repeats them exactly, instance id included), oldest first; undefined while being prepared. */
  readonly #cache = new Map<string, Uint8Array | undefined>();
  /** Retries answered from the cache (tests). */
  replays = 0;

  constructor(private readonly wire: Wire, private readonly rng: Rng) {}

  /** Sends request `name` to `dst`; `done` gets the response, or undefined when every try timed out. */
  request<N extends MessageName>(dst: number, name: N, fields: RequestOf<N>, policy: RetryPolicy, done: (r: Message | undefined) => void): void {
    const instance = this.#next();
    const body = encodeRequest(name, instance, fields);
    this.#pending.push({ dst, name, instance, body, policy, tries: 0, deadline: this.wire.now() + policy.timeout, done });
    this.wire.send(dst, body, true);
  }

  /** A datagram (no response): ANNOUNCE. */
  datagram<N extends MessageName>(dst: number, name: N, fields: RequestOf<N>): void {
    this.wire.send(dst, encodeRequest(name, this.#next(), fields), true);
  }

  #next(): number {
    const i = this.#instance;
    this.#instance = (i + 1) & MAX_INSTANCE;
    return i;
  }

  /** Requests to `dst` still waiting (a cell that stopped answering). */
  waitingOn(dst: number): boolean {
    return this.#pending.some((p) => p.dst === dst);
  }

  /** Drops every request to `dst` without calling back (its conversation ended). */
  forget(dst: number): void {
    for (let i = this.#pending.length - 1; i >= 0; i--) if (this.#pending[i]!.dst === dst) this.#pending.splice(i, 1);
  }

  /** The earliest cycle a request times out. */
  deadline(): number | undefined {
    return this.#pending.reduce<number | undefined>((m, p) => (m === undefined || p.deadline < m ? p.deadline : m), undefined);
  }

  /** Retries and failures of the requests whose time is up. */
  tick(): void {
    const now = this.wire.now();
    for (const p of [...this.#pending]) {
      if (p.deadline > now) continue;
      if (p.tries >= p.policy.retries) {
        this.#pending.splice(this.#pending.indexOf(p), 1);
        p.done(undefined);
        continue;
      }
      p.tries++;
      p.deadline = now + this.rng.below(p.policy.backoff) + p.policy.timeout;
      this.wire.send(p.dst, p.body, true);
    }
  }

  /**
   * A decoded message from `src`: a response completes its request (true); a request that
   * repeats one already answered is answered from the cache (true); else false: the caller
   * handles it, replying through {@link reply}.
   */
  take(src: number, body: Uint8Array, m: Message): boolean {
    if (!m.request) {
      const i = this.#pending.findIndex((p) => p.dst === src && p.name === m.name && p.instance === m.instance);
      if (i < 0) return true;  // a late answer to a request already retried and answered, or given up
      const [p] = this.#pending.splice(i, 1);
      p!.done(m);
      return true;
    }
    if (m.datagram) return false;
    const key = cacheKey(src, body);
    if (!this.#cache.has(key)) return false;
    const cached = this.#cache.get(key);
    if (cached) {
      this.replays++;
      this.wire.send(src, cached, false);
    }
    return true;
  }

  /** The reply function of request `m` from `src`; it caches what it sends. */
  reply(src: number, body: Uint8Array, m: Message): Reply {
    const key = cacheKey(src, body);
    this.#cache.set(key, undefined);
    while (this.#cache.size > CACHE) this.#cache.delete(this.#cache.keys().next().value!);
    let sent = false;
    return (cc, fields) => {
      if (sent) return;
      sent = true;
      const out = encodeResponse(m.name, m.instance, cc, fields as ResponseOf<MessageName>);
      this.#cache.set(key, out);
      this.wire.send(src, out, false);
    };
  }
}

const cacheKey = (src: number, body: Uint8Array): string => `${src}:${Buffer.from(body).toString('hex')}`;
