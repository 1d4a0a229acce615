// The management messages of models/mgmt/messages.ts: the headers of DESIGN.md section 4 byte by
// byte, every message's request and response through encode and decode, and bad bodies refused
// with a reason.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seededTest } from '../../bridge/src/vitest.js';
import { CompletionCode, decodeMessage, encodeRequest, encodeResponse, MessageError, MESSAGES, type MessageName } from '../../models/mgmt/messages.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('messages', () => {
  test('PLDM and vendor headers as DESIGN.md section 4 lays them out', () => {
    // 01h PLDM · Rq, instance 3 · hdr ver 0, type 5 · RequestUpdate 10h · fw_version, image_len, body_crc32, path
    expect(hex(encodeRequest('RequestUpdate', 3, { fw_version: 0x01020304, image_len: 0x10000, body_crc32: 0xa1b2c3d4, path: 1 }))).toBe('0183051004030201000001' + '00d4c3b2a101');
    // 7Fh · 00 00 7E D9 · Rq D (datagram), instance 0 · ANNOUNCE 01h · status, fw_version, body_crc32, flags
    expect(hex(encodeRequest('Announce', 0, { status: 1, fw_version: 7, body_crc32: 0x11223344, flags: 4 }))).toBe('7f00007ed9c00101070000004433221104');
    // a response: Rq clear, the completion code after the command
    expect(hex(encodeResponse('HsiLinkEnable', 9, CompletionCode.Success, { start_offset: 0x400 }))).toBe('7f00007ed9090300' + '00040000');
  });

  seededTest('every message round-trips, request and response', ({ seed }) => {
    const names = Object.keys(MESSAGES) as MessageName[];
    fc.assert(fc.property(fc.constantFrom(...names), fc.nat({ max: 31 }), fc.nat(), fc.uint8Array({ maxLength: 512 }), (name, instance, v, data) => {
      const row = MESSAGES[name];
      const value = (t: string): number | Uint8Array => (t === 'bytes' ? data : t === 'u8' ? v & 0xff : t === 'u16' ? v & 0xffff : v >>> 0);
      const req = Object.fromEntries(row.request.map(([n, t]) => [n, value(t)]));
      const m = decodeMessage(encodeRequest(name, instance, req as never));
      expect(m).toMatchObject({ name, request: true, datagram: row.response === null, instance, fields: req });
      if (!row.response) return;
      const rsp = Object.fromEntries(row.response.map(([n, t]) => [n, value(t)]));
      expect(decodeMessage(encodeResponse(name, instance, CompletionCode.NotReady, rsp as never))).toMatchObject({ name, request: false, instance, cc: CompletionCode.NotReady, fields: rsp });
    }), { seed, numRuns: 300 });
  });

  test.each([
    [[0x05], /message type 5h/],
    [[0x01, 0x80, 0x06, 0x10], /only type 5/],
    [[0x7f, 0, 0, 0x7e, 0xd8, 0x80, 1], /enterprise/],
    [[0x01, 0x80, 0x05, 0x99], /not in the subset/],
    [[0x01, 0x80, 0x05, 0x10, 1, 2], /runs past/],
  ])('%j is refused: %s', (bytes, why) => {
    expect(() => decodeMessage(Uint8Array.from(bytes))).toThrow(MessageError);
    expect(() => decodeMessage(Uint8Array.from(bytes))).toThrow(why);
  });
});
