// CurveZMQ keys of hand-started harnesses and of the test machines that attach to them
// (README.md, "Running a harness on another machine"). A key pair lives in a file of Z85 text
// that only its owner may read (mode 0600), in a directory only its owner may enter (0700):
//
//   public-key = <40 Z85 characters>
//   secret-key = <40 Z85 characters>
//
// An allow-list holds one client public key per line, optionally followed by a name; lines that
// start with '#' are comments (Z85 has '#', but no key starts with it: a group's leading digit is
// at most 82). bridge/harness/gate.cpp reads both formats.
import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { curveKeyPair } from 'zeromq';
import { AccessError } from './errors.js';

/** A CURVE key pair, each key in Z85 (40 characters). */
export interface KeyPair {
  readonly publicKey: string;
  readonly secretKey: string;
}

/**
 * Where key files are kept.
 * @defaultValue `$CELLBENCH_KEYS`, else `$XDG_CONFIG_HOME/cellbench`, else `~/.config/cellbench`
 */
export function keysDir(): string {
  if (process.env.CELLBENCH_KEYS) return process.env.CELLBENCH_KEYS;
  const config = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(config, 'cellbench');
}

/** The default files in {@link keysDir}: a harness's key pair, a client's, and the harness's allow-list. */
export const keyFiles = {
  server: (): string => path.join(keysDir(), 'harness.key'),
  client: (): string => path.join(keysDir(), 'client.key'),
  allowList: (): string => path.join(keysDir(), 'allowed-clients'),
};

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Whether `s` is a CURVE key in Z85: 40 characters of its alphabet, each group of 5 below 2^32. */
export function isKey(s: string): boolean {
  if (s.length !== 40) return false;
  for (let g = 0; g < 40; g += 5) {
    let v = 0;
    for (let i = g; i < g + 5; i++) {
      const d = Z85.indexOf(s[i]!);
      if (d < 0) return false;
      v = v * 85 + d;
    }
    if (v >= 2 ** 32) return false;
  }
  return true;
}

/** `s` as one POSIX shell word: Z85 has `$`, `&`, `!`, `<` … but never a quote. */
export const quoteKey = (s: string): string => `'${s}'`;

const mode = (m: number): string => (m & 0o777).toString(8).padStart(3, '0');

/** Refuses `file` (or a directory) when others than its owner hold `forbidden` mode bits on it. */
function checkPrivate(file: string, forbidden: number, why: string): void {
  const st = statSync(file);
  if (process.getuid && st.uid !== process.getuid()) throw new AccessError(`${file} belongs to another user: it must be yours (${why})`);
  if (st.mode & forbidden) {
    throw new AccessError(`${file} has mode ${mode(st.mode)}: ${why}; run chmod ${st.isDirectory() ? 700 : 600} ${file}`);
  }
}

/** Creates the directory of `file` for key files: only its owner may enter it. */
function privateDirFor(file: string): void {
  const dir = path.dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkPrivate(dir, 0o022, 'others could replace the key files in it');
}

/**
 * The key pair in `file`; an {@link AccessError} says what is wrong with it and what to do, with
 * `create`, the command that writes a new one.
 */
export function readKeyPair(file: string, create: string): KeyPair {
  if (!existsSync(file)) throw new AccessError(`no key pair at ${file}: create one with ${create}`);
  checkPrivate(file, 0o077, 'others may read its secret key');
  const fields = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const publicKey = fields.get('public-key') ?? '';
  const secretKey = fields.get('secret-key') ?? '';
  if (!isKey(publicKey) || !isKey(secretKey)) {
    throw new AccessError(`${file} holds no key pair (lines 'public-key = <Z85>' and 'secret-key = <Z85>'): write a new one with ${create} --new`);
  }
  return { publicKey, secretKey };
}

/** Writes a new key pair to `file` (replacing one that is there), readable by its owner only. */
export function writeKeyPair(file: string, what: string): KeyPair {
  privateDirFor(file);
  const pair = curveKeyPair();
  const text = [
    `# cellbench CURVE key pair of ${what} (ZeroMQ Z85), written by bridge/src/cli/keys.ts.`,
    '# The secret key belongs to this file alone: keep it mode 0600, never copy it elsewhere.',
    `public-key = ${pair.publicKey}`,
    `secret-key = ${pair.secretKey}`,
    '',
  ].join('\n');
  // Written whole under another name, then renamed: a reader never sees half a key file.
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
  return pair;
}

/** The key pair in `file`, created there first when there is none. */
export function ensureKeyPair(file: string, what: string, create: string): { pair: KeyPair; created: boolean } {
  if (existsSync(file)) return { pair: readKeyPair(file, create), created: false };
  return { pair: writeKeyPair(file, what), created: true };
}

/**
 * A public key given as itself (Z85) or as a file holding it (a key file's `public-key =`
 * line, or the key alone on a line): what `SIM_SERVER_KEY` may be.
 */
export function publicKeyFrom(value: string, what: string): string {
  if (isKey(value)) return value;
  if (!existsSync(value)) {
    throw new AccessError(`${what} '${value}' is neither a public key (40 Z85 characters) nor a file holding one`);
  }
  for (const line of readFileSync(value, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    const key = (eq > 0 && line.slice(0, eq).trim() === 'public-key' ? line.slice(eq + 1) : line).trim();
    if (isKey(key)) return key;
  }
  throw new AccessError(`${what}: ${value} holds no public key (40 Z85 characters)`);
}

/** The keys an allow-list file admits, with their names. */
export function readAllowList(file: string): Map<string, string> {
  const keys = new Map<string, string>();
  if (!existsSync(file)) return keys;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    const [key = '', ...name] = line.split(/\s+/);
    if (isKey(key)) keys.set(key, name.join(' '));
  }
  return keys;
}

/** Creates the allow-list `file`, empty, when there is none; refuses one that others could change. */
export function ensureAllowList(file: string): void {
  privateDirFor(file);
  if (!existsSync(file)) {
    writeFileSync(file, '# Client public keys (ZeroMQ Z85) admitted by the harnesses started with this file as --allow, one a line, each optionally followed by a name.\n', { mode: 0o600, flag: 'wx' });
  }
  if (lstatSync(file).isSymbolicLink()) throw new AccessError(`${file} is a symbolic link: an allow-list must be a file of its own`);
  checkPrivate(file, 0o022, 'others could add keys to it');
}

/** Adds `key` (with an optional name) to the allow-list `file`; false when it was there already. */
export function allowKey(file: string, key: string, name = ''): boolean {
  if (!isKey(key)) throw new AccessError(`'${key}' is not a public key (40 Z85 characters)`);
  if (/[\n\r]/.test(name)) throw new AccessError('a client name is one line');
  ensureAllowList(file);
  if (readAllowList(file).has(key)) return false;
  const text = readFileSync(file, 'utf8');
  appendFileSync(file, `${text.endsWith('\n') || !text ? '' : '\n'}${key}${name ? ` ${name}` : ''}\n`);
  return true;
}
