/**
 * A heal's events in words, for the timeline `make sim` prints and the report: which cell, what it
 * said or received, and where a message is one the claims name (the acknowledgements of claims 27
 * and 35). RequestFirmwareData chunks are left to the progress bars.
 */
import { ImageStatus } from '../models/cell/image_check_pkg.js';
import { ANNOUNCE_FLAGS, CompletionCode, ErrorReason, UpdatePath } from '../models/mgmt/messages.js';
import type { MessageEvent } from './events.js';

/** One line of the timeline: the cell it is about and what happened. */
export interface Said {
  readonly cell: number;
  readonly text: string;
}

const STATUS: Record<number, string> = {
  [ImageStatus.Valid]: 'valid',
  [ImageStatus.Missing]: 'missing',
  [ImageStatus.CorruptHeader]: 'corrupt header',
  [ImageStatus.CorruptBody]: 'corrupt body',
};

const flagWords = (flags: number): string[] =>
  Object.entries(ANNOUNCE_FLAGS).filter(([, bit]) => flags & bit).map(([name]) => name.toLowerCase().replace('_', ' '));

const ccName = (cc: number): string => CompletionCode[cc] ?? `0x${cc.toString(16)}`;
const num = (m: MessageEvent, k: string): number => m.fields[k] as number;
const result = (m: MessageEvent): string => (num(m, 'result') === 0 ? 'pass' : `fail (${num(m, 'result')})`);

/**
 * Tells a cell's ANNOUNCE that says something new (its status, version or flags changed) from a
 * periodic repeat, which the timeline leaves out.
 */
export class AnnounceNews {
  readonly #last = new Map<number, string>();

  /** True unless `m` is an ANNOUNCE repeating its cell's last one. */
  news(m: MessageEvent): boolean {
    if (m.name !== 'Announce') return true;
    const key = `${m.fields.status}/${m.fields.fw_version}/${m.fields.flags}`;
    if (this.#last.get(m.src) === key) return false;
    this.#last.set(m.src, key);
    return true;
  }
}

/** What the message says, in words; undefined for what the timeline leaves out. */
export function describe(m: MessageEvent): Said | undefined {
  if (m.name === 'RequestFirmwareData') return undefined;
  if (m.name === 'Announce') {
    const status = STATUS[num(m, 'status')] ?? `status ${num(m, 'status')}`;
    const version = num(m, 'status') === ImageStatus.Valid ? ` v${num(m, 'fw_version')}` : '';
    const flags = flagWords(num(m, 'flags'));
    return { cell: m.src, text: `ANNOUNCE ${status}${version}${flags.length ? ` (${flags.join(', ')})` : ''}` };
  }
  const to = `→ cell ${m.dst ?? '*'}`;
  if (m.request) {
    switch (m.name) {
      case 'FwErrorNotify': return { cell: m.src, text: `${to} FW_ERROR_NOTIFY (${(ErrorReason[num(m, 'reason')] ?? '?').toLowerCase()}): asks for valid firmware` };
      case 'RequestUpdate': return { cell: m.src, text: `${to} RequestUpdate v${num(m, 'fw_version')}, ${num(m, 'image_len')} bytes over ${num(m, 'path') === UpdatePath.Hsi ? 'the HSI' : 'the management bus'}` };
      case 'HsiLinkEnable': return { cell: m.src, text: `${to} HSI_LINK_ENABLE vc ${num(m, 'vc')}` };
      case 'TransferComplete':
      case 'VerifyComplete':
      case 'ApplyComplete': return { cell: m.src, text: `${to} ${m.name}: ${result(m)}` };
      default: return { cell: m.src, text: `${to} ${m.name}` };
    }
  }
  const cc = m.cc ?? CompletionCode.Success;
  let note = '';
  if (cc === CompletionCode.Success && m.name === 'FwErrorNotify') note = ': the acknowledgement (claim 27)';
  else if (cc === CompletionCode.Success && m.name === 'RequestUpdate') note = ': the acknowledgement (claim 35); the image may move';
  else if (cc === CompletionCode.Success && m.name === 'HsiLinkEnable') note = `: path enabled, from offset ${num(m, 'start_offset')}`;
  else if (cc === CompletionCode.Success && m.name === 'ActivateFirmware') note = ': activated';
  else if (cc === CompletionCode.NotUpdateCell) note = `: not the update cell (ask EID 0x${num(m, 'update_eid').toString(16)})`;
  return { cell: m.src, text: `${to} ${m.name} ${ccName(cc)}${note}` };
}
