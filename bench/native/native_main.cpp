// Benchmark baseline: the axis_slice model in a plain Verilator loop, no bridge. Inputs follow
// the same pattern as the bridge's signal-level benchmark (valid and ready always high, data
// counting), so the figure is the ceiling for one simulated cycle of this DUT.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "Vtop.h"
#include "verilated.h"

int main(int argc, char** argv) {
    const long cycles = argc > 1 ? std::atol(argv[1]) : 10000000;
    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<Vtop>(ctx.get(), "TOP");
    top->rst_ni = 0;
    top->clk_i = 0;
    top->eval();
    top->rst_ni = 1;
    top->s_axis_tvalid_i = 1;
    top->m_axis_tready_i = 1;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < cycles; ++i) {
        top->s_axis_tdata_i = static_cast<uint8_t>(i);
        top->clk_i = 1;
        top->eval();
        ctx->timeInc(5);
        top->clk_i = 0;
        top->eval();
        ctx->timeInc(5);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"cycles\": %ld, \"seconds\": %.6f, \"beats\": %u}\n", cycles, s, top->beats_o);
    top->final();
    return 0;
}
