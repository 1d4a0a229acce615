"""Builds the axis_slice DUT for cocotb (1.9 or 2.x) + Verilator and runs one benchmark module.

Usage: run.py <module> <result.json> [cycles]. Prints nothing on success; the module writes the
result file. cocotb 1.x's runner does not fail on a failing test, so results.xml is checked.
The verilator is the first on the PATH (bench/cocotb.ts puts the chosen one there); the build goes
to $CB_BUILD_DIR (one per cocotb, each on its own Verilator).
"""
import os
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

try:
    from cocotb_tools.runner import get_runner  # cocotb 2.x
except ImportError:
    from cocotb.runner import get_runner  # cocotb 1.9

here = Path(__file__).resolve().parent
root = here.parent.parent
module, result = sys.argv[1], sys.argv[2]
cycles = sys.argv[3] if len(sys.argv) > 3 else "20000"
build_dir = here / os.environ.get("CB_BUILD_DIR", "sim_build")
runner = get_runner("verilator")
runner.build(
    sources=[root / "rtl" / "common" / "axis_slice.sv"],
    hdl_toplevel="axis_slice",
    build_dir=build_dir,
    build_args=["-Wno-fatal", "--timescale", "1ns/1ps"],
)
os.environ["CB_RESULT"] = result
os.environ["CB_CYCLES"] = cycles
os.environ["CB_LAUNCH"] = repr(time.time())
xml = runner.test(hdl_toplevel="axis_slice", test_module=module, test_dir=here, build_dir=build_dir)
failures = ET.parse(xml).getroot().findall(".//failure")
if failures:
    sys.exit(f"cocotb test {module} failed: {failures[0].get('message')}")
