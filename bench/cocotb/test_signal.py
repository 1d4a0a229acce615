"""cocotb side of the bridge benchmark: the same loops as bench/bridge.ts, on the same DUT.

Timed inside the test, like the TypeScript side: cycles per second of a loop that awaits every
rising edge, reads two signals and writes two; startup is launch-to-first-trigger.
"""
import json
import os
import time

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge


@cocotb.test()
async def signal_level(dut):
    cocotb.start_soon(Clock(dut.clk_i, 10, "ns").start())
    await RisingEdge(dut.clk_i)
    startup_ms = (time.time() - float(os.environ["CB_LAUNCH"])) * 1000.0
    dut.rst_ni.value = 0
    await ClockCycles(dut.clk_i, 2)
    dut.rst_ni.value = 1
    cycles = int(os.environ.get("CB_CYCLES", "20000"))
    t0 = time.perf_counter()
    for i in range(cycles):
        await RisingEdge(dut.clk_i)
        _ = dut.m_axis_tdata_o.value
        _ = dut.beats_o.value
        dut.s_axis_tvalid_i.value = 1
        dut.s_axis_tdata_i.value = i & 0xFF
    seconds = time.perf_counter() - t0
    with open(os.environ["CB_RESULT"], "w") as f:
        json.dump({"cycles_per_s": cycles / seconds, "startup_ms": startup_ms}, f)
