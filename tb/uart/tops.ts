import { defineTop } from '../../bridge/src/index.js';
import type { UartDut } from './gen/uart.js';
import type { UartBusDut } from './gen/uart_bus.js';
import type { UartPairDut } from './gen/uart_pair.js';

const uartSources = ['rtl/uart/uart_pkg.sv', 'rtl/common/sync_fifo.sv', 'rtl/uart/uart_reg_top.sv', 'rtl/uart/uart_tx.sv', 'rtl/uart/uart_rx.sv', 'rtl/uart/uart.sv'];

/** One UART: its line input and output apart, so a serial source and sink can face it. */
export const uart = defineTop<UartDut>({ name: 'uart', sources: uartSources });

/** Three UARTs on one wired-AND line with an injector (tb/uart/hdl/uart_bus.sv). */
export const uartBus = defineTop<UartBusDut>({ name: 'uart_bus', sources: [...uartSources, 'tb/uart/hdl/uart_bus.sv'] });

/** One UART facing a foreign UART (no carrier sense, fractional bit time), on a shared line or two wires (tb/uart/hdl/uart_pair.sv). */
export const uartPair = defineTop<UartPairDut>({ name: 'uart_pair', sources: [...uartSources, 'tb/hdl/uart_peer.sv', 'tb/uart/hdl/uart_pair.sv'] });
