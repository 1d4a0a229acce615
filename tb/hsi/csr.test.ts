// hsi_link's CSRs and link state against the register-level reference (HsiLinkModel): ENABLE,
// the sticky Down and its irq, RESTART (and the peer's rule for a restarted end), and the drop
// of a frame too long for the link.
import { describe, expect } from 'vitest';
import { ClockCycles } from '../../bridge/src/index.js';
import { HSI_CTRL, HSI_OFFSET, HSI_STATUS, LinkState } from '../../models/hsi/hsi_pkg.js';
import { hsiTest } from './env.js';
import type { HsiLinkTbDut } from './gen/hsi_link_tb.js';
import { hsiLinkFollowTb } from './tops.js';
import { BOUNDS, CLOCK_NS, FC_PERIOD, RX_BUFFERS } from './link_params.js';

const test = hsiTest({ simTimeout: [2, 'ms'] });
const follow = hsiTest({ simTimeout: [2, 'ms'] }, hsiLinkFollowTb);

describe('hsi_link CSRs', () => {
  test('ENABLE 0 disables an end (its peer goes down: the lane carries zeros); ENABLE 1 and a restart of the peer bring it up', async ({ link }) => {
    const { a, b, up } = await link();
    await up();
    await a.writeReg(HSI_OFFSET.CTRL, 0);
    expect(await a.state(), 'a disabled').toBe(LinkState.Disabled);
    expect(a.model.state).toBe(LinkState.Disabled);
    // Disabled holds the link cleared: no credit of the peer's is left to spend.
    expect(await a.credits(), 'a\'s credits while disabled').toEqual([0, 0]);
    await b.waitDown();
    b.model.fail('lock-timeout');
    await b.expectRegs({ LOCK_LOSSES: 1 }, [RX_BUFFERS, RX_BUFFERS], false);
    // The irq is STATUS.DOWN, cleared by writing 1.
    await b.writeReg(HSI_OFFSET.STATUS, HSI_STATUS.DOWN.put(1));
    expect(b.irq, 'irq cleared').toBe(false);
    expect(await b.state(), 'still down: sticky').toBe(LinkState.Down);
    await a.writeReg(HSI_OFFSET.CTRL, HSI_CTRL.ENABLE.put(1));
    await ClockCycles(a.dut.clk_i, 1000);
    expect(await a.state(), 'a trains, but b is down and sends zeros').toBe(LinkState.Train);
    await b.restart();
    await up();
    for (const e of [a, b]) expect(await e.state(), `${e.options.prefix} up`).toBe(LinkState.Up);
    await ClockCycles(a.dut.clk_i, FC_PERIOD + 64);
    await a.expectRegs({ LOCK_LOSSES: 1 }, [RX_BUFFERS, RX_BUFFERS]);
    expect(BOUNDS.lockTimeout, 'the bound the test waited on').toBe(3072);
  });

  test('restarting one end while the other is up: the other sees an FC with init set and goes down at once, not after the lock bound', async ({ link }) => {
    const { a, b, up } = await link();
    await up();
    await a.restart();
    const t0 = a.sim.time('ns');
    await b.waitDown();
    b.model.peerTrains();
    const cycles = (a.sim.time('ns') - t0) / CLOCK_NS;
    expect(cycles, 'cycles from the restart to the peer down').toBeLessThan(200);
    expect(await b.state()).toBe(LinkState.Down);
    await b.restart();
    await up();
    await ClockCycles(a.dut.clk_i, FC_PERIOD + 64);
    await b.expectRegs({}, [RX_BUFFERS, RX_BUFFERS]);
  });

  test('a restart while a frame is half out on m_axis: it still comes out whole, and its buffer is granted only once it is out (the peer gets RX_BUFFERS credits, not more)', async ({ link }) => {
    const { a, b, up } = await link({ b: { sinkThrottle: [{ probability: 0.1, seed: 3 }] } });
    await up();
    await a.send(0, { data: Uint8Array.from({ length: 1024 }, (_, k) => (k * 7 + (k >> 8)) & 0xff), dst: 2 });
    // It reaches b about 140 cycles later; its 128 beats then take about 1280 at this sink.
    await ClockCycles(a.dut.clk_i, 400);
    expect((b.dut as HsiLinkTbDut).b_m_axis_vc0_tvalid_o.value, 'b is handing the frame out').toBe(1);
    expect(b.pending(0), 'not all of it yet').toBe(0);
    await b.restart();
    await a.waitDown();
    a.model.peerTrains();
    await a.restart();
    await up();
    await b.recv(0, 1);
    await ClockCycles(a.dut.clk_i, FC_PERIOD + 64);
    expect(await a.credits(), 'a\'s credits: every buffer of b free, each granted once').toEqual([RX_BUFFERS, RX_BUFFERS]);
  });

  test('a frame of 1025 bytes is dropped whole (STATUS.TX_BAD_FRAME, irq); the next frame goes through', async ({ link }) => {
    const { a, b, up } = await link();
    await up();
    const tooLong = { data: new Uint8Array(1025).fill(0x5a), dst: 2 };
    await a.sendUnchecked(0, tooLong);
    await a.send(0, { data: Uint8Array.of(1, 2, 3), dst: 2 });
    await b.recv(0, 1);
    a.model.badFrame();
    await ClockCycles(a.dut.clk_i, FC_PERIOD + 64);
    await a.expectRegs({ FRAMES_SENT: 1 }, [RX_BUFFERS, RX_BUFFERS]);
    expect(a.irq, 'irq').toBe(true);
    await b.finish();
  });

  follow('a following end (FollowPeer, a crossbar port) that went down because its peer restarted trains with it again by itself; with no peer training it stays down', async ({ link }) => {
    const { a, b, up } = await link({ b: { followPeer: true } });
    await up();
    await a.restart();
    await b.waitDown();
    b.model.peerTrains();
    expect(b.model.state, 'the model: down on the peer\'s InitFC').toBe(LinkState.Down);
    // The restarted a keeps sending InitFC while it trains: b follows without a restart of its own.
    b.model.peerTrains();
    expect(b.model.state, 'the model: a following end trains on the next one').toBe(LinkState.Train);
    await up();
    expect(await b.state(), 'b up again without CTRL.RESTART').toBe(LinkState.Up);
    b.model.trained();
    await ClockCycles(a.dut.clk_i, FC_PERIOD + 64);
    await b.expectRegs({}, [RX_BUFFERS, RX_BUFFERS]);
    // A lane cut long enough takes both down; the follower stays down until its peer trains.
    await a.writeReg(HSI_OFFSET.CTRL, 0);
    await b.waitDown();
    await ClockCycles(a.dut.clk_i, 2000);
    expect(await b.state(), 'no peer training: still down').toBe(LinkState.Down);
  });
});
