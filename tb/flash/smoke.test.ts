import { describe } from 'vitest';
import { simTest } from '../../bridge/src/vitest.js';
import { FlashOp } from '../../models/flash/spi_flash_ctrl.js';
import { FlashEnv } from './env.js';
import { flashTb } from './tops.js';

const test = simTest(flashTb, { simTimeout: [50, 'ms'] });

describe('smoke', () => {
  test('rdid, program, read', async ({ sim }) => {
    const env = await FlashEnv.start(sim);
    await env.check('stream', { op: FlashOp.ReadId, addr: 0, len: 0 });
    await env.check('csr', { op: FlashOp.ReadId, addr: 0, len: 0 });
    await env.check('stream', { op: FlashOp.ReadStatus, addr: 0, len: 0 });
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 1) & 0xff);
    await env.check('stream', { op: FlashOp.Program, addr: 0x1f0, len: 300, data });
    await env.check('stream', { op: FlashOp.Read, addr: 0x1e0, len: 340 });
    await env.check('csr', { op: FlashOp.FastRead, addr: 0x1e3, len: 37 });
    await env.check('csr', { op: FlashOp.Program, addr: 0x2000, len: 13, data: data.subarray(0, 13) });
    await env.check('csr', { op: FlashOp.Crc, addr: 0x1e0, len: 340 });
    await env.check('stream', { op: FlashOp.SectorErase, addr: 0x123, len: 0 });
    await env.check('stream', { op: FlashOp.Read, addr: 0x0, len: 0x300 });
    await env.finish();
  });
});
