// Benchmark: a CRC-32 unit with hsi_crc32_64's ports in a plain Verilator loop, no bridge. Every
// beat is valid with xorshift data, the byte count cycles through 1..8 and a new message starts
// every 64 beats; the XOR of every CRC shown is printed so two implementations can be compared.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "Vtop.h"
#include "verilated.h"

int main(int argc, char** argv) {
    const long cycles = argc > 1 ? std::atol(argv[1]) : 5000000;
    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<Vtop>(ctx.get(), "TOP");
    top->rst_ni = 0;
    top->clk_i = 0;
    top->eval();
    top->rst_ni = 1;
    top->valid_i = 1;
    uint64_t x = 88172645463325252ull;
    uint32_t acc = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < cycles; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        top->data_i = x;
        top->bytes_m1_i = static_cast<uint8_t>(i & 7);
        top->init_i = (i & 63) == 0;
        top->clk_i = 1;
        top->eval();
        ctx->timeInc(5);
        top->clk_i = 0;
        top->eval();
        ctx->timeInc(5);
        acc ^= top->crc_o;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"cycles\": %ld, \"seconds\": %.6f, \"crc_xor\": %u}\n", cycles, s, acc);
    top->final();
    return 0;
}
