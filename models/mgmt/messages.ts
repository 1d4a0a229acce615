/**
 * The management messages of DESIGN.md section 4, described once: the PLDM for firmware update
 * subset (DSP0267, type 5, simplified payloads) and the vendor-defined messages (IANA form,
 * enterprise 32473). Each message is a row of {@link MESSAGES} — its family, command code and the
 * fields of its request and response in order — and {@link encodeMessage} / {@link decodeMessage}
 * read the rows, so no field is typed twice. Fields are little-endian; a `bytes` field is last
 * and takes the rest of the message.
 *
 * Headers: PLDM `01h · {Rq 7, D 6, instance 4:0} · {hdr ver 7:6 = 0, type 5:0 = 5} · command`,
 * vendor `7Fh · 00 00 7E D9 · {Rq, D, instance} · command`; responses add the completion code.
 */
import { MessageType } from './mctp.js';

/** PLDM type 5, firmware update. */
export const PLDM_TYPE_FW_UPDATE = 0x05;
/** The IANA enterprise number of the vendor messages (32473, reserved for documentation), big-endian. */
export const VENDOR_IANA = [0x00, 0x00, 0x7e, 0xd9] as const;
/** The largest request instance id (5 bits). */
export const MAX_INSTANCE = 31;

/** Completion codes: PLDM base (DSP0240) and firmware update (DSP0267), one vendor code. */
export enum CompletionCode {
  Success = 0x00,
  Error = 0x01,
  InvalidData = 0x02,
  InvalidLength = 0x03,
  NotReady = 0x04,
  UnsupportedCommand = 0x05,
  NotInUpdateMode = 0x80,
  AlreadyInUpdateMode = 0x81,
  DataOutOfRange = 0x82,
  InvalidTransferLength = 0x83,
  InvalidStateForCommand = 0x84,
  /** Vendor: this cell is not the update cell; the response's `update_eid` names it (0 when none is known). */
  NotUpdateCell = 0x90,
  /** Vendor: the HSI path is down here; go on over the management bus. */
  HsiDown = 0x91,
}

/** FW_ERROR_NOTIFY's reason: which kind of errored firmware (claims 28, 29, 34). */
export enum ErrorReason {
  Missing = 1,
  Corrupt = 2,
  Outdated = 3,
}

/** RequestUpdate's path. */
export enum UpdatePath {
  Hsi = 0,
  Mgmt = 1,
}

/** ANNOUNCE's flags: what the cell concluded beside its checker's status. */
export const ANNOUNCE_FLAGS = {
  /** Valid but below the newest valid version announced (or the lower CRC of one version). */
  OUTDATED: 0x01,
  /** Two valid images of one version with different CRCs are announced (the higher CRC wins). */
  CONFLICT: 0x02,
  /** No valid image is announced anywhere: the cell reports it and writes nothing. */
  NONE_VALID: 0x04,
  /** In an update session (receiving an image). */
  UPDATING: 0x08,
} as const;

type FieldType = 'u8' | 'u16' | 'u32' | 'bytes';
type Field = readonly [name: string, type: FieldType];
type Value<T extends FieldType> = T extends 'bytes' ? Uint8Array : number;
/** The fields of a row as an object type: `[['offset', 'u32']]` → `{ offset: number }`. */
export type FieldsOf<F extends readonly Field[]> = { readonly [K in F[number] as K[0]]: Value<K[1]> };

interface Row {
  readonly family: 'pldm' | 'vendor';
  readonly command: number;
  readonly request: readonly Field[];
  /** Null: a datagram (D set), no response. */
  readonly response: readonly Field[] | null;
}

/** Every message: family, command, request fields, response fields after the completion code. */
export const MESSAGES = {
  RequestUpdate: { family: 'pldm', command: 0x10, request: [['fw_version', 'u32'], ['image_len', 'u32'], ['body_crc32', 'u32'], ['path', 'u8']], response: [] },
  RequestFirmwareData: { family: 'pldm', command: 0x15, request: [['offset', 'u32'], ['len', 'u16']], response: [['data', 'bytes']] },
  TransferComplete: { family: 'pldm', command: 0x16, request: [['result', 'u8']], response: [] },
  VerifyComplete: { family: 'pldm', command: 0x17, request: [['result', 'u8']], response: [] },
  ApplyComplete: { family: 'pldm', command: 0x18, request: [['result', 'u8']], response: [] },
  ActivateFirmware: { family: 'pldm', command: 0x1a, request: [], response: [] },
  GetStatus: { family: 'pldm', command: 0x1b, request: [], response: [['state', 'u8'], ['progress', 'u32']] },
  CancelUpdate: { family: 'pldm', command: 0x1d, request: [], response: [] },
  Announce: { family: 'vendor', command: 0x01, request: [['status', 'u8'], ['fw_version', 'u32'], ['body_crc32', 'u32'], ['flags', 'u8']], response: null },
  FwErrorNotify: { family: 'vendor', command: 0x02, request: [['reason', 'u8'], ['avoid_eid', 'u8']], response: [['update_eid', 'u8']] },
  HsiLinkEnable: { family: 'vendor', command: 0x03, request: [['vc', 'u8']], response: [['start_offset', 'u32']] },
} as const satisfies Record<string, Row>;

export type MessageName = keyof typeof MESSAGES;
export type RequestOf<N extends MessageName> = FieldsOf<(typeof MESSAGES)[N]['request']>;
export type ResponseOf<N extends MessageName> = (typeof MESSAGES)[N]['response'] extends readonly Field[] ? FieldsOf<Extract<(typeof MESSAGES)[N]['response'], readonly Field[]>> : never;

/** A message, decoded. */
export interface Message {
  readonly name: MessageName;
  /** A request (Rq set), else a response. */
  readonly request: boolean;
  /** The datagram bit: a request that wants no response. */
  readonly datagram: boolean;
  readonly instance: number;
  /** Responses only. */
  readonly cc?: CompletionCode;
  readonly fields: Readonly<Record<string, number | Uint8Array>>;
}

/** A message that does not parse; the text says which byte and why. */
export class MessageError extends Error {
  override name = 'MessageError';
}

const SIZE: Record<Exclude<FieldType, 'bytes'>, number> = { u8: 1, u16: 2, u32: 4 };
const BY_CODE = new Map<string, MessageName>(Object.entries(MESSAGES).map(([n, r]) => [`${r.family}:${r.command}`, n as MessageName]));

function header(row: Row, request: boolean, instance: number): number[] {
  if (!Number.isInteger(instance) || instance < 0 || instance > MAX_INSTANCE) throw new MessageError(`instance id ${instance} is not 0..${MAX_INSTANCE}`);
  const rq = (request ? 0x80 : 0) | (request && row.response === null ? 0x40 : 0) | instance;
  return row.family === 'pldm' ? [MessageType.Pldm, rq, PLDM_TYPE_FW_UPDATE, row.command] : [MessageType.VendorDefinedIana, ...VENDOR_IANA, rq, row.command];
}

function put(out: number[], fields: readonly Field[], values: Readonly<Record<string, number | Uint8Array>>, what: string): void {
  for (const [name, type] of fields) {
    const v = values[name];
    if (type === 'bytes') {
      if (!(v instanceof Uint8Array)) throw new MessageError(`${what}.${name}: bytes expected`);
      out.push(...v);
      continue;
    }
    const n = SIZE[type];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** (8 * n)) throw new MessageError(`${what}.${name}: ${String(v)} does not fit ${type}`);
    for (let i = 0; i < n; i++) out.push(Math.floor(v / 2 ** (8 * i)) & 0xff);
  }
}

/** The body (type byte first) of request `name`. */
export function encodeRequest<N extends MessageName>(name: N, instance: number, fields: RequestOf<N>): Uint8Array {
  const row: Row = MESSAGES[name];
  const out = header(row, true, instance);
  put(out, row.request, fields, name);
  return Uint8Array.from(out);
}

/** The body of the response to `name` with completion code `cc` (a refusal carries its fields too). */
export function encodeResponse<N extends MessageName>(name: N, instance: number, cc: CompletionCode, fields: ResponseOf<N>): Uint8Array {
  const row: Row = MESSAGES[name];
  if (!row.response) throw new MessageError(`${name} is a datagram: it has no response`);
  const out = [...header(row, false, instance), cc];
  put(out, row.response, fields as Readonly<Record<string, number | Uint8Array>>, `${name} response`);
  return Uint8Array.from(out);
}

/** Parses a message body; throws {@link MessageError} naming the problem. */
export function decodeMessage(body: Uint8Array): Message {
  let at: number;
  let family: Row['family'];
  if (body[0] === MessageType.Pldm) {
    if (body.length < 4) throw new MessageError(`a PLDM message of ${body.length} bytes: the header has 4`);
    if (body[2] !== PLDM_TYPE_FW_UPDATE) throw new MessageError(`PLDM type byte ${body[2]!.toString(16)}h: only type 5 (firmware update, header version 0) is spoken`);
    family = 'pldm';
    at = 1;
  } else if (body[0] === MessageType.VendorDefinedIana) {
    if (body.length < 7) throw new MessageError(`a vendor message of ${body.length} bytes: the header has 7`);
    if (VENDOR_IANA.some((b, i) => body[1 + i] !== b)) throw new MessageError(`vendor enterprise ${Array.from(body.subarray(1, 5), (b) => b.toString(16).padStart(2, '0')).join(' ')}: expected 00 00 7e d9 (32473)`);
    family = 'vendor';
    at = 5;
  } else {
    throw new MessageError(`message type ${(body[0] ?? 0).toString(16)}h: expected 01h (PLDM) or 7Fh (vendor)`);
  }
  const rq = body[at]!;
  const command = body[family === 'pldm' ? at + 2 : at + 1]!;
  at = family === 'pldm' ? at + 3 : at + 2;
  const name = BY_CODE.get(`${family}:${command}`);
  if (!name) throw new MessageError(`${family} command ${command.toString(16)}h is not in the subset`);
  const row: Row = MESSAGES[name];
  const request = (rq & 0x80) !== 0;
  let cc: CompletionCode | undefined;
  if (!request) {
    if (at >= body.length) throw new MessageError(`${name} response without a completion code`);
    cc = body[at++]! as CompletionCode;
  }
  const spec = request ? row.request : (row.response ?? []);
  const fields: Record<string, number | Uint8Array> = {};
  for (const [fname, type] of spec) {
    if (type === 'bytes') {
      fields[fname] = body.slice(at);
      at = body.length;
      continue;
    }
    const n = SIZE[type];
    // A refusal may stop after its completion code: missing fields read as 0.
    let v = 0;
    for (let i = 0; i < n; i++) v += (body[at + i] ?? 0) * 2 ** (8 * i);
    if (at + n > body.length && (request || cc === CompletionCode.Success)) throw new MessageError(`${name}: field ${fname} runs past the ${body.length}-byte message`);
    fields[fname] = v;
    at += n;
  }
  return { name, request, datagram: (rq & 0x40) !== 0, instance: rq & 0x1f, ...(cc !== undefined ? { cc } : {}), fields };
}
