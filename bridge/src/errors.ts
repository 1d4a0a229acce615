import { ErrCode } from './protocol.js';

/** Base class of every error the bridge raises. */
export class BridgeError extends Error {
  override name = 'BridgeError';
}

/** The harness refused a request; `code` says why (see bridge/PROTOCOL.md). */
export class HarnessError extends BridgeError {
  override name = 'HarnessError';
  constructor(
    readonly code: ErrCode,
    message: string,
  ) {
    super(`harness refused the request (${ErrCode[code] ?? code}): ${message}`);
  }
}

/** The harness process exited, crashed or stopped answering. */
export class HarnessLostError extends BridgeError {
  override name = 'HarnessLostError';
}

/**
 * A harness started by hand refused this client at the CURVE handshake, or this side's keys are
 * missing or unsafe; the message says which key goes where.
 */
export class AccessError extends BridgeError {
  override name = 'AccessError';
}

/** A signal name that the top does not have (or has, but not public). */
export class UnknownSignalError extends BridgeError {
  override name = 'UnknownSignalError';
}

/** A value that does not fit the signal, or a write the signal does not accept. */
export class SignalAccessError extends BridgeError {
  override name = 'SignalAccessError';
}

/** An argument the API cannot take: a Timer shorter than a step, a count of 0, an empty frame. */
export class UsageError extends BridgeError {
  override name = 'UsageError';
}

/** The simulation ended ($finish, $fatal, $stop, an assertion) while something still waited on it. */
export class SimEndedError extends BridgeError {
  override name = 'SimEndedError';
}

/** No clock, timer or HDL event is left, so the awaited triggers can never fire. */
export class SimIdleError extends BridgeError {
  override name = 'SimIdleError';
}

/** A `withTimeout` or the test's simulated-time limit expired. */
export class SimTimeoutError extends BridgeError {
  override name = 'SimTimeoutError';
}

/** The test ran out of wall-clock time (vitest's `testTimeout`) with the simulation still going. */
export class WallClockTimeoutError extends BridgeError {
  override name = 'WallClockTimeoutError';
}

/** Raised inside a task (and by `await task`) after `task.cancel()`. */
export class CancelledError extends BridgeError {
  override name = 'CancelledError';
}

/** A task started with `startSoon` threw; the test fails with it. */
export class TaskFailedError extends BridgeError {
  override name = 'TaskFailedError';
}
