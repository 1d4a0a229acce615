#include "dut_signal.h"

#include <cstring>
#include <stdexcept>

#include "verilated_syms.h"

namespace cb {

void Signal::mergeForce(uint32_t* out) const {
    uint32_t en[64], val[64];
    const uint32_t n = words();
    if (n > 64) return;  // wider forceables read their storage; none exist in practice
    load(forceEn, en);
    load(forceVal, val);
    for (uint32_t i = 0; i < n; ++i) out[i] = (en[i] & val[i]) | (~en[i] & out[i]);
}

namespace {
template <class T>
void bindScalar(std::vector<Signal>& t, const char* name, uint32_t width, Dir dir, T& ref) {
    Signal s;
    s.name = name;
    s.width = width;
    s.dir = dir;
    s.data = &ref;
    s.stride = sizeof(T);
    s.flags = (dir == Dir::In || dir == Dir::InOut) ? (kWritable | kForceable) : 0;
    t.push_back(s);
}

uint32_t strideFor(uint32_t width) {
    if (width <= 8) return 1;
    if (width <= 16) return 2;
    if (width <= 32) return 4;
    if (width <= 64) return 8;
    return 4 * ((width + 31) / 32);
}
}  // namespace

void bindPort(std::vector<Signal>& t, const char* n, uint32_t w, Dir d, CData& r) { bindScalar(t, n, w, d, r); }
void bindPort(std::vector<Signal>& t, const char* n, uint32_t w, Dir d, SData& r) { bindScalar(t, n, w, d, r); }
void bindPort(std::vector<Signal>& t, const char* n, uint32_t w, Dir d, IData& r) { bindScalar(t, n, w, d, r); }
void bindPort(std::vector<Signal>& t, const char* n, uint32_t w, Dir d, QData& r) { bindScalar(t, n, w, d, r); }

void bindInternals(const VerilatedContext& ctx, std::vector<Signal>& t, const InternalDesc* d,
                   std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const VerilatedScope* scope = ctx.scopeFind(d[i].scope);
        const VerilatedVar* var = scope ? scope->varFind(d[i].var) : nullptr;
        if (!var) {
            throw std::runtime_error(std::string("public signal ") + d[i].name + " (scope "
                                     + d[i].scope + ") is missing from Verilator's scope table");
        }
        Signal s;
        s.name = d[i].name;
        s.width = d[i].width;
        s.depth = d[i].depth;
        s.data = var->datap();
        s.stride = strideFor(d[i].width);
        s.flags = (d[i].writable ? kWritable : 0) | (d[i].depth ? kMemory : 0);
        if (d[i].depth && static_cast<uint32_t>(var->entSize()) != s.stride) {
            throw std::runtime_error(std::string("memory ") + d[i].name + ": element storage is "
                                     + std::to_string(var->entSize()) + " bytes, expected "
                                     + std::to_string(s.stride));
        }
        t.push_back(s);
    }
}

void bindForce(std::vector<Signal>& t, const char* name, void* en, void* val) {
    for (Signal& s : t) {
        if (s.name == name) {
            s.forceEn = en;
            s.forceVal = val;
            s.flags |= kForceable;
            return;
        }
    }
    throw std::runtime_error(std::string("forceable signal ") + name
                             + " must also be public_flat_rw in the top's .vlt");
}

}  // namespace cb
