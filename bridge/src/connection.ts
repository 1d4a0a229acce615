import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dealer } from 'zeromq';
import { clientAccess, type AccessOptions, type ClientAccess } from './access.js';
import { BridgeError, HarnessLostError } from './errors.js';
import { ROOT } from './paths.js';
import { Msg } from './protocol.js';

/** The least peer timeout while the harness writes a waveform (its FST flushes hold it). */
export const TRACING_PEER_TIMEOUT_MS = 15_000;

/** Keeps the last `limit` characters of a stream: the harness's output for error messages. */
class Tail {
  private text = '';
  constructor(private readonly limit = 16_384) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
  clear(): void {
    this.text = '';
  }
}

/** Options of {@link Connection}. */
export interface ConnectionOptions extends AccessOptions {
  /** Fail a request when the harness sends nothing for this long. @defaultValue 2000 ms */
  readonly peerTimeoutMs?: number;
  /** Copy the harness's stdout/stderr to this process's. @defaultValue `SIM_VERBOSE=1` */
  readonly echo?: boolean;
  /** Where a coverage build writes its .dat files. */
  readonly coverageDir?: string;
  /**
   * The one directory a spawned harness may write waveforms under (its `--waves-dir`); a
   * {@link Connection.waveName} is relative to it. @defaultValue `waves/` in the repository
   */
  readonly wavesDir?: string;
}

let endpointCounter = 0;
let socketDirPath: string | undefined;
let socketsOpen = 0;
let exitHooked = false;

const isPrivateDir = (dir: string): boolean => {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
};

/**
 * This process's directory for its `ipc://` sockets, which only this user can enter (mkdtemp:
 * mode 0700, a random name): under `$XDG_RUNTIME_DIR` when that is a private directory of
 * ours, else in the temp directory. Removed when its last socket closes, or the process exits.
 */
function socketDir(): string {
  if (socketDirPath) return socketDirPath;
  const runtime = process.env.XDG_RUNTIME_DIR;
  const dir = mkdtempSync(path.join(runtime && isPrivateDir(runtime) ? runtime : os.tmpdir(), 'cellbench-'));
  if (!isPrivateDir(dir)) throw new BridgeError(`${dir}, made for the harnesses' sockets, is not private to this user (mode 0700)`);
  if (!exitHooked) process.once('exit', dropSocketDir);
  exitHooked = true;
  socketDirPath = dir;
  return dir;
}

function dropSocketDir(): void {
  if (socketDirPath) rmSync(socketDirPath, { recursive: true, force: true });
  socketDirPath = undefined;
}

/** The waves directory of this repository: where a spawned harness writes waveforms. */
const defaultWavesDir = (): string => path.join(ROOT, 'waves');

/**
 * One ZeroMQ DEALER socket to one harness, strictly request/reply, with the harness process
 * when this side spawned it. A request fails, never hangs, when the process exits or when the
 * peer stays silent past the heartbeat timeout.
 */
export class Connection {
  readonly stdout = new Tail();
  readonly stderr = new Tail();
  private inRequest = false;
  /** Receives AGENT_DATA messages (sampled streams, transactor results). */
  onAgentData?: (frame: Buffer) => void;
  private beating?: Promise<void>;
  private lost?: BridgeError;
  private lastHeard = Date.now();
  /** When the liveness timer last ran (every 250 ms, unless this process was held up). */
  private lastBeat = Date.now();
  /**
   * A waveform is being written. Verilator's FST writer compresses a full buffer of value
   * changes in the harness's own thread (seconds for a large top on a loaded machine), and no
   * heartbeat leaves meanwhile: the peer timeout is then at least {@link TRACING_PEER_TIMEOUT_MS}.
   */
  tracing = false;
  private readonly timer: NodeJS.Timeout;
  private exited?: Promise<void>;
  private released = false;

  private constructor(
    private readonly sock: Dealer,
    readonly endpoint: string,
    private readonly child: ChildProcess | undefined,
    private readonly ipcPath: string | undefined,
    private readonly peerTimeoutMs: number,
    private readonly wavesDir: string,
  ) {
    this.timer = setInterval(() => this.beat(), 250);
    this.timer.unref();
  }

  /**
   * Spawns `harness` (with `+plusargs`) connected to a fresh `ipc://` endpoint in a directory
   * only this user can enter, so no other user can reach it or take its place.
   */
  static async spawn(harness: string, plusargs: readonly string[], options: ConnectionOptions = {}): Promise<Connection> {
    const bad = plusargs.find((a) => !a.startsWith('+'));
    if (bad !== undefined) throw new BridgeError(`plusarg '${bad}' does not start with '+': plusargs are +name or +name=value`);
    const ipcPath = path.join(socketDir(), `${++endpointCounter}.sock`);
    ++socketsOpen;
    const endpoint = `ipc://${ipcPath}`;
    const wavesDir = options.wavesDir ?? defaultWavesDir();
    mkdirSync(wavesDir, { recursive: true });
    const sock = new Dealer({ linger: 0 });
    // Bound before the harness starts, so its connect succeeds at once (no reconnect interval).
    await sock.bind(endpoint);
    const child = spawn(harness, ['--connect', endpoint, '--waves-dir', wavesDir, '--die-with-parent', ...plusargs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(options.coverageDir ? { CELLBENCH_COVERAGE_DIR: options.coverageDir } : {}) },
    });
    const c = new Connection(sock, endpoint, child, ipcPath, options.peerTimeoutMs ?? 2000, wavesDir);
    const echo = options.echo ?? process.env.SIM_VERBOSE === '1';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      c.stdout.push(s);
      if (echo) process.stdout.write(s);
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      c.stderr.push(s);
      if (echo) process.stderr.write(s);
    });
    c.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        c.fail(new HarnessLostError(`harness ${how}${c.output()}`));
        resolve();
      });
      child.on('error', (e) => {
        c.fail(new HarnessLostError(`cannot start harness ${harness}: ${e.message}`));
        resolve();
      });
    });
    return c;
  }

  /**
   * Attaches to a harness started elsewhere with `--bind` (e.g. `tcp://host:5555`): with CURVE
   * when a server key is given ({@link AccessOptions}), plainly only on this machine. A refused
   * handshake fails the first request at once with an `AccessError` saying which key goes where.
   */
  static async attach(endpoint: string, options: ConnectionOptions = {}): Promise<Connection> {
    const access = clientAccess(endpoint, options);
    const sock = new Dealer({ linger: 0, reconnectInterval: 50, ...access.socket });
    // A remote harness writes its waveforms under its own --waves-dir: names are relative to ours.
    const c = new Connection(sock, endpoint, undefined, undefined, options.peerTimeoutMs ?? 2000, options.wavesDir ?? defaultWavesDir());
    void c.watchHandshakes(access);  // observing before connecting: the first handshake is seen too
    sock.connect(endpoint);
    return c;
  }

  private async watchHandshakes(access: ClientAccess): Promise<void> {
    try {
      for await (const event of this.sock.events) {
        const refused = access.refusal(event);
        if (refused) return this.fail(refused);
      }
    } catch {
      // The socket closed: nothing more to watch.
    }
  }

  /**
   * What a TRACE names for `file`: its path relative to the waves directory, where a harness
   * writes waveforms (a remote one under its own). A path outside that directory goes as it is,
   * for the harness to refuse by name (bridge/PROTOCOL.md, TRACE).
   */
  waveName(file: string): string {
    const rel = path.relative(this.wavesDir, path.resolve(file));
    const outside = rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
    return outside ? file : rel.split(path.sep).join('/');
  }

  /**
   * Starts the output of a new run of the model (after a restart), so an error shows only what
   * its own run printed. The harness flushes its output before every reply, so what an earlier
   * run printed has arrived by the time the restart's reply has.
   */
  newRun(): void {
    this.stdout.clear();
    this.stderr.clear();
  }

  /** The harness's output since the last {@link newRun}, formatted for an error message. */
  output(): string {
    const out = this.stdout.toString().trim();
    const err = this.stderr.toString().trim();
    return (out ? `\n--- harness stdout ---\n${out}` : '') + (err ? `\n--- harness stderr ---\n${err}` : '');
  }

  /**
   * Sends one request frame and resolves with the reply frame. Send, then receive, in sequence:
   * a receive kept pending in the background cost ~5 us per round trip. A dead peer closes
   * the socket, which ends the pending receive.
   */
  async request(frame: Buffer): Promise<Buffer> {
    if (this.lost) throw this.lost;
    if (this.inRequest) throw new Error('bridge bug: a request is already in flight');
    this.inRequest = true;
    this.lastHeard = Date.now();
    try {
      if (this.beating) await this.beating;  // zeromq.js allows one send at a time
      const sent = this.sock.send(frame);
      this.chain(sent);
      await sent;
      for (;;) {
        const [reply] = await this.sock.receive();
        this.lastHeard = Date.now();
        if (!reply || reply.length === 0 || reply[0] === Msg.HarnessHeartbeat) continue;
        if (reply[0] === Msg.AgentData) {
          this.onAgentData?.(reply);  // agent output arrives mid-run and before each reply
          continue;
        }
        return reply;
      }
    } catch (e) {
      throw this.lost ?? new HarnessLostError(`talking to the harness at ${this.endpoint} failed: ${(e as Error).message}${this.output()}`);
    } finally {
      this.inRequest = false;
    }
  }

  /** Sends a message that has no reply (CREDIT, HEARTBEAT), even while a request waits. */
  post(frame: Buffer): void {
    if (this.lost) return;
    this.chain((this.beating ?? Promise.resolve()).then(() => this.sock.send(frame)));
  }

  /** Makes `sent` the send that the next one waits for (zeromq.js allows one at a time). */
  private chain(sent: Promise<unknown>): void {
    const next: Promise<void> = sent.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      if (this.beating === next) this.beating = undefined;
    });
    this.beating = next;
  }

  private beat(): void {
    if (this.lost) return;
    const now = Date.now();
    // This process ran late (its event loop busy, or the machine's scheduler gave it no time):
    // the harness's heartbeats may be waiting unread, so its silence counts from now.
    if (now - this.lastBeat > 500) this.lastHeard = Math.max(this.lastHeard, now);
    this.lastBeat = now;
    if (this.inRequest) {
      const silent = Date.now() - this.lastHeard;
      const limit = this.tracing ? Math.max(this.peerTimeoutMs, TRACING_PEER_TIMEOUT_MS) : this.peerTimeoutMs;
      if (silent > limit) {
        this.fail(new HarnessLostError(`the harness at ${this.endpoint} sent nothing for ${silent} ms (its heartbeat is every 500 ms${this.tracing ? `; ${limit} ms allowed while it writes a waveform` : ''}): it died or hangs${this.output()}`));
      }
    } else if (!this.beating) {
      // Lets a harness started by hand (--bind) notice that this side went away.
      this.post(Buffer.from([Msg.Heartbeat, 0, 0, 0, 0, 0, 0, 0]));
    }
  }

  /** Marks the peer lost and closes the socket, which fails a request waiting on it. */
  private fail(e: BridgeError): void {
    this.lost ??= e;
    if (!this.sock.closed) this.sock.close();
  }

  /**
   * Gives the harness up at once: the request under way fails with `reason`, and a spawned
   * harness is killed (a STEP that never ends cannot be interrupted otherwise).
   */
  abandon(reason: HarnessLostError): void {
    this.fail(reason);
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** The process's exit, when this side spawned it. */
  get process(): ChildProcess | undefined {
    return this.child;
  }

  /** Asks the harness to quit (it closes its waveform and calls `final()`), then cleans up. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (!this.lost && !this.inRequest) {
      const bye = this.request(Buffer.from([Msg.Quit, 0, 0, 0, 0, 0, 0, 0])).catch(() => undefined);
      await Promise.race([bye, new Promise((r) => setTimeout(r, 2000))]);
    }
    this.fail(new HarnessLostError('the simulator was closed'));
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      const done = Promise.race([this.exited, new Promise((r) => setTimeout(r, 1000))]);
      this.child.kill('SIGTERM');
      await done;
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }
    if (this.ipcPath && !this.released) {
      this.released = true;
      rmSync(this.ipcPath, { force: true });
      if (--socketsOpen === 0) dropSocketDir();
    }
  }
}
