// Benchmark: hsi_link_tb (two hsi_link endpoints, two channels) in a plain Verilator loop, no
// bridge: endpoint a sends back-to-back 512-byte frames on vc 0 (64 beats, tlast on the last),
// b's sinks are always ready, no faults. Prints the cycles, the time and the frames b delivered.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "Vtop.h"
#include "verilated.h"

int main(int argc, char** argv) {
    const long cycles = argc > 1 ? std::atol(argv[1]) : 400000;
    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<Vtop>(ctx.get(), "TOP");
    top->clk_i = 0;
    top->rst_ni = 0;
    top->ab_seed_i = 1;
    top->ba_seed_i = 2;
    top->b_m_axis_vc0_tready_i = 1;
    top->b_m_axis_vc1_tready_i = 1;
    top->a_m_axis_vc0_tready_i = 1;
    top->a_m_axis_vc1_tready_i = 1;
    top->a_s_axis_vc0_tkeep_i = 0xff;
    top->a_s_axis_vc0_tdest_i = 2;
    top->eval();
    for (int i = 0; i < 2; ++i) {
        top->clk_i = 1; top->eval(); ctx->timeInc(5);
        top->clk_i = 0; top->eval(); ctx->timeInc(5);
    }
    top->rst_ni = 1;
    long beat = 0, frames = 0;
    uint64_t x = 88172645463325252ull;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < cycles; ++i) {
        top->a_s_axis_vc0_tvalid_i = 1;
        top->a_s_axis_vc0_tdata_i = x;
        top->a_s_axis_vc0_tlast_i = (beat % 64) == 63;
        top->eval();
        const bool took = top->a_s_axis_vc0_tready_o;
        const bool got_last = top->b_m_axis_vc0_tvalid_o && top->b_m_axis_vc0_tlast_o;
        top->clk_i = 1; top->eval(); ctx->timeInc(5);
        top->clk_i = 0; top->eval(); ctx->timeInc(5);
        if (took) {
            ++beat;
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        }
        if (got_last) ++frames;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"cycles\": %ld, \"seconds\": %.6f, \"frames\": %ld}\n", cycles, s, frames);
    top->final();
    return 0;
}
