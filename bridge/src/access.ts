// How a test reaches a harness started by hand (SIM_ENDPOINT): with CURVE, naming the harness's
// public key and this machine's key pair, or plainly, on this machine only; and, when the harness
// refuses the handshake, a message that says which key to put where (bridge/PROTOCOL.md, Access).
import os from 'node:os';
import type { Event } from 'zeromq';
import { AccessError } from './errors.js';
import { ensureKeyPair, keyFiles, publicKeyFrom, quoteKey, readKeyPair, type KeyPair } from './keys.js';

/** Options of {@link clientAccess}: where the keys come from. */
export interface AccessOptions {
  /** The harness's CURVE public key (Z85), or a file holding it. @defaultValue `$SIM_SERVER_KEY` */
  readonly serverKey?: string;
  /**
   * This machine's client key pair file. @defaultValue `$SIM_CLIENT_KEY`, else `client.key` in
   * the keys directory (`~/.config/cellbench/`), created on first use
   */
  readonly clientKey?: string;
}

/** The CURVE settings of a client socket, and what a refused handshake means. */
export interface ClientAccess {
  /** zeromq.js socket options: the CURVE keys, or none for a plain connection. */
  readonly socket: { curveServerKey?: string; curvePublicKey?: string; curveSecretKey?: string };
  /** The error a handshake event stands for, if it is a refusal. */
  refusal(event: Event): AccessError | undefined;
}

/** Whether `endpoint` is on this machine only: ipc://, inproc://, or tcp to a loopback address. */
export function isLocalEndpoint(endpoint: string): boolean {
  if (/^(ipc|inproc):\/\//.test(endpoint)) return true;
  const host = /^tcp:\/\/(\[[^\]]*\]|[^:/]*):\d+$/.exec(endpoint)?.[1];
  return host !== undefined && (/^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]' || host === 'localhost');
}

const KEYS_CLI = 'npx tsx bridge/src/cli/keys.ts';

/** How to attach to `endpoint`; throws an {@link AccessError} when it may not be reached as configured. */
export function clientAccess(endpoint: string, options: AccessOptions = {}): ClientAccess {
  const server = options.serverKey ?? process.env.SIM_SERVER_KEY;
  const getKey = `its public key (the harness prints it when it starts, 'server public key …'; on the simulation machine ${KEYS_CLI} server prints it too)`;
  if (!server) {
    if (!isLocalEndpoint(endpoint)) {
      throw new AccessError(`${endpoint}: a harness on another machine is reached only with CURVE: set SIM_SERVER_KEY to ${getKey}, and have this machine's client key admitted there (${KEYS_CLI} client here prints the command)`);
    }
    return {
      socket: {},
      refusal: (e) => (e.type.startsWith('handshake:error') ? new AccessError(
        `the harness at ${endpoint} broke off the handshake: it admits CURVE clients only (every harness does, unless started with --insecure). Set SIM_SERVER_KEY to ${getKey}, and have this machine's client key admitted there: ${KEYS_CLI} client here prints the command to run on the simulation machine`,
      ) : undefined),
    };
  }
  const serverKey = publicKeyFrom(server, 'SIM_SERVER_KEY');
  const given = options.clientKey ?? process.env.SIM_CLIENT_KEY;
  const keyFile = given ?? keyFiles.client();
  const create = `${KEYS_CLI} client${given ? ` --key ${keyFile}` : ''}`;
  let pair: KeyPair;
  let created = false;
  if (given) {
    pair = readKeyPair(keyFile, create);
  } else {
    ({ pair, created } = ensureKeyPair(keyFile, 'a test machine', create));
  }
  const me = quoteKey(pair.publicKey);
  const admit = `${KEYS_CLI} allow ${me} --name ${os.userInfo().username}@${os.hostname()}`;
  return {
    socket: { curveServerKey: serverKey, curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey },
    refusal: (e) => {
      if (e.type === 'handshake:error:auth') {
        return new AccessError(e.error.status === 400
          ? `the harness at ${endpoint} refused this client's key ${me} (${keyFile}${created ? ', created just now' : ''}): it is not on the harness's allow-list. On the simulation machine, admit it with\n  ${admit}\nwhich adds it to ~/.config/cellbench/allowed-clients there, the allow-list of bridge/src/cli/harness.ts (for a harness started with --allow FILE, add --allow FILE); no restart needed`
          : `the harness at ${endpoint} could not check this client's key ${me} against its allow-list (ZAP status ${e.error.status}): its log says why (a line 'harness: refused …')`);
      }
      if (e.type === 'handshake:error:protocol' || e.type === 'handshake:error:other') {
        return new AccessError(`the harness at ${endpoint} broke off the CURVE handshake: SIM_SERVER_KEY (${quoteKey(serverKey)}) is not its public key (set it to ${getKey}), or it is a plain harness started with --insecure (then unset SIM_SERVER_KEY)`);
      }
      return undefined;
    },
  };
}
