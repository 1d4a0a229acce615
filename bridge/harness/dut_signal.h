// A signal of the Verilated model: a top-level port (bound straight to the model's member), an
// internal public signal (found through Verilator's scope table), or a public unpacked array (a
// memory, accessed in bulk). Values travel as little-endian 32-bit words, ceil(width/32) of them.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "verilated.h"

namespace cb {

enum class Dir : uint8_t { Internal = 0, In = 1, Out = 2, InOut = 3 };

enum SigFlag : uint8_t {
    kWritable = 1,   // a deposit is accepted (top inputs, public_flat_rw internals)
    kForceable = 2,  // force/release: top inputs (held by the harness) or Verilator `forceable`
    kMemory = 4,     // unpacked array: bulk read/write only, never in a snapshot
};

struct Signal {
    std::string name;  // hierarchical name below the top, e.g. "u_core.state_q"
    uint32_t width = 1;  // bits of one value (of one element for a memory)
    uint32_t depth = 0;  // elements of a memory, 0 for a plain signal
    Dir dir = Dir::Internal;
    uint8_t flags = 0;
    void* data = nullptr;
    uint32_t stride = 0;  // bytes of Verilator storage per value (1, 2, 4, 8 or 4*words)
    void* forceEn = nullptr;   // Verilator `forceable` controls, same storage as `data`
    void* forceVal = nullptr;
    bool held = false;  // a forced top input: deposits and clocks leave it alone

    uint32_t words() const { return (width + 31) / 32; }

    /// Copies the current value into `out` (words() words, upper bits zero). A forced signal
    /// reads as Verilog says it does: its forced bits, not the storage underneath.
    void read(uint32_t* out) const {
        load(data, out);
        if (forceEn) mergeForce(out);
    }
    /// Stores `in` (words() words, already checked against the width).
    void write(const uint32_t* in) { store(data, in); }
    /// True when `in` has a bit set above the width.
    bool overflows(const uint32_t* in) const {
        const uint32_t top = width % 32;
        return top != 0 && (in[words() - 1] >> top) != 0;
    }
    void load(const void* p, uint32_t* out) const {
        switch (stride) {
        case 1: out[0] = *static_cast<const uint8_t*>(p); break;
        case 2: out[0] = *static_cast<const uint16_t*>(p); break;
        case 4: out[0] = *static_cast<const uint32_t*>(p); break;
        default: std::memcpy(out, p, stride); break;  // QData and VlWide: whole words
        }
    }
    void store(void* p, const uint32_t* in) const {
        switch (stride) {
        case 1: *static_cast<uint8_t*>(p) = static_cast<uint8_t>(in[0]); break;
        case 2: *static_cast<uint16_t*>(p) = static_cast<uint16_t>(in[0]); break;
        case 4: *static_cast<uint32_t*>(p) = in[0]; break;
        default: std::memcpy(p, in, stride); break;
        }
    }
    void mergeForce(uint32_t* out) const;
};

/// Binds a top-level port: one overload per Verilator storage type.
void bindPort(std::vector<Signal>& t, const char* name, uint32_t width, Dir dir, CData& ref);
void bindPort(std::vector<Signal>& t, const char* name, uint32_t width, Dir dir, SData& ref);
void bindPort(std::vector<Signal>& t, const char* name, uint32_t width, Dir dir, IData& ref);
void bindPort(std::vector<Signal>& t, const char* name, uint32_t width, Dir dir, QData& ref);
template <std::size_t N>
void bindPort(std::vector<Signal>& t, const char* name, uint32_t width, Dir dir, VlWide<N>& ref) {
    Signal s;
    s.name = name;
    s.width = width;
    s.dir = dir;
    s.data = ref.data();
    s.stride = 4 * N;
    s.flags = (dir == Dir::In || dir == Dir::InOut) ? (kWritable | kForceable) : 0;
    t.push_back(s);
}

/// An internal signal as the generated table describes it (from Verilator's --xml-only).
struct InternalDesc {
    const char* scope;  // Verilator scope, e.g. "TOP.counter.u_core"
    const char* var;    // variable name in that scope
    const char* name;   // hierarchical name below the top
    uint32_t width;
    uint32_t depth;     // 0 = plain signal
    bool writable;      // public_flat_rw (else read-only)
};

/// Resolves internal signals through the context's scope table; throws naming the missing one.
void bindInternals(const VerilatedContext& ctx, std::vector<Signal>& t, const InternalDesc* d,
                   std::size_t n);

/// Marks `name` forceable with Verilator's generated __VforceEn/__VforceVal members.
void bindForce(std::vector<Signal>& t, const char* name, void* en, void* val);

}  // namespace cb
