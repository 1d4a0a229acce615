"""cocotb + cocotbext-axi side of the transactor benchmark (bench/transactors.ts): an
AxiStreamSource -> axis_slice -> AxiStreamSink moving frames of random length under random
back-pressure, every byte checked. Timed inside the test: simulated cycles per wall second.
"""
import itertools
import json
import os
import random
import time

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from cocotb.utils import get_sim_time
from cocotb_bus.bus import Bus
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource


class SuffixedAxisBus(AxiStreamBus):
    """The DUT's ports carry _i/_o suffixes (DESIGN.md); case_insensitive=False avoids cocotb #2473."""

    def __init__(self, entity, prefix, slave_side):
        i, o = ("i", "o") if slave_side else ("o", "i")
        signals = {"tdata": f"tdata_{i}"}
        optional = {"tvalid": f"tvalid_{i}", "tlast": f"tlast_{i}", "tready": f"tready_{o}"}
        Bus.__init__(self, entity, prefix, signals, optional_signals=optional, case_insensitive=False)


@cocotb.test()
async def axis_throughput(dut):
    cocotb.start_soon(Clock(dut.clk_i, 10, "ns").start())
    source = AxiStreamSource(SuffixedAxisBus(dut, "s_axis", True), dut.clk_i, dut.rst_ni, reset_active_level=False)
    sink = AxiStreamSink(SuffixedAxisBus(dut, "m_axis", False), dut.clk_i, dut.rst_ni, reset_active_level=False)
    rng = random.Random(1)
    source.set_pause_generator(itertools.cycle([rng.random() > 0.9 for _ in range(997)]))
    sink.set_pause_generator(itertools.cycle([rng.random() > 0.9 for _ in range(991)]))
    dut.rst_ni.value = 0
    await ClockCycles(dut.clk_i, 2)
    dut.rst_ni.value = 1
    beats = int(os.environ.get("CB_BEATS", "20000"))
    frames = []
    total = 0
    while total < beats:
        n = rng.randint(1, 256)
        frames.append(bytes(rng.randrange(256) for _ in range(n)))
        total += n
    t0 = time.perf_counter()
    c0 = get_sim_time("ns")
    for f in frames:
        await source.send(AxiStreamFrame(f))
    for i, f in enumerate(frames):
        got = await sink.recv()
        assert bytes(got.tdata) == f, f"frame {i} differs"
    seconds = time.perf_counter() - t0
    cycles = (get_sim_time("ns") - c0) / 10
    with open(os.environ["CB_RESULT"], "w") as out:
        json.dump({"cycles_per_s": cycles / seconds, "beats": total, "cycles": cycles}, out)
