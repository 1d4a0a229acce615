/**
 * cellbench's cocotb-style bridge: a Verilator harness driven from TypeScript over ZeroMQ.
 * See bridge/README.md for the API and bridge/PROTOCOL.md for the wire format.
 */
export { buildTop, describeTop, BuildError, LintError, type BuiltTop } from './build.js';
export { Clock, type ClockOptions } from './clock.js';
export {
  AccessError, BridgeError, CancelledError, HarnessError, HarnessLostError, SignalAccessError, SimEndedError, SimIdleError,
  SimTimeoutError, TaskFailedError, UnknownSignalError, UsageError, WallClockTimeoutError,
} from './errors.js';
export { MemoryHandle, SignalHandle, type AnyHandle, type MemoryData } from './handle.js';
export { Simulator, type SimStats, type StartOptions, type TransportOptions } from './simulator.js';
export { Dir, type SignalInfo, type SignalTable } from './signals.js';
export { Flow, Lock, SimEvent, Task } from './task.js';
export { defineTop, type TopSpec } from './top.js';
export {
  ClockCycles, Combine, Edge, FallingEdge, First, NextTimeStep, ReadOnly, ReadWrite, RisingEdge, Timer, Trigger,
  Until, withTimeout, type Awaitable, type FirstResult, type UntilOptions,
} from './triggers.js';
export type { TimeUnit } from './units.js';
export { SampledStream, StreamBatch, type StreamOptions } from './stream.js';
export { ApbMaster, type ApbResponse, type ApbResult, type ApbTransfer } from './bus/apb.js';
export { AxisMonitor, AxisSink, AxisSource, type AxisFrame, type AxisOptions, type AxisSinkOptions, type ReceivedFrame } from './bus/axis.js';
export type { Stamp } from './bus/stamp.js';
export type { Throttle } from './bus/throttle.js';
export { simProperty, type SimPropertyOptions } from './property.js';
export {
  CoverGroup, Coverpoint, Cross, CoverageError, coverageDelta, coverageSnapshot, coverageText, mergeCoverage, type CoverageData,
} from './coverage.js';
export { SerialSink, SerialSource, type ReceivedChar, type SerialChar, type SerialFormat } from './bus/serial.js';
