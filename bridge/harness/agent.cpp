#include "agent.h"

#include "sim.h"

namespace cb {

void Agent::begin(Writer& w, bool last, bool credited) const {
    w.clear();
    w.put<uint8_t>(static_cast<uint8_t>(Msg::AgentData));
    w.put<uint8_t>(0);
    w.put<uint16_t>(0);
    w.put<uint32_t>(0);
    w.put<uint32_t>(id_);
    w.put<uint8_t>(last ? 1 : 0);
    w.put<uint8_t>(credited ? 1 : 0);
    w.put<uint16_t>(0);
}

void Agent::ship(AgentHost& host, const Writer& w, bool credited) {
    if (credited) {
        if (credits_ == 0) host.waitCredit(id_);
        --credits_;
    }
    host.emit(w);
}

uint32_t signalId(Reader& r, const std::vector<Signal>& table, const char* role, bool optional, bool wide) {
    const uint32_t s = r.get<uint32_t>();
    if (s == kAbsent && optional) return s;
    if (s >= table.size()) {
        throw WireError(Err::UnknownSignal, std::string(role) + " signal id " + std::to_string(s) + " is not in the table");
    }
    if (table[s].flags & kMemory) throw WireError(Err::NotMemory, table[s].name + " is a memory");
    if (!wide && table[s].width > 64) throw WireError(Err::BadOp, std::string(role) + " signal " + table[s].name + " is wider than 64 bits");
    return s;
}

std::unique_ptr<Agent> makeAgent(uint32_t id, Reader& r, const std::vector<Signal>& table) {
    const auto kind = static_cast<AgentKind>(r.get<uint8_t>());
    const uint32_t clock = signalId(r, table, "agent clock");
    const uint8_t edge = r.get<uint8_t>();
    if (edge > 1) throw WireError(Err::BadOp, "agent edge must be 0 (rising) or 1 (falling)");
    const bool rising = edge == 0;
    switch (kind) {
    case AgentKind::Stream: return makeStream(id, clock, rising, r, table);
    case AgentKind::AxisSource: return makeAxisSource(id, clock, rising, r, table);
    case AgentKind::AxisSink: return makeAxisSink(id, clock, rising, r, table);
    case AgentKind::ApbMaster: return makeApbMaster(id, clock, rising, r, table);
    case AgentKind::SerialSource: return makeSerialSource(id, clock, rising, r, table);
    case AgentKind::SerialSink: return makeSerialSink(id, clock, rising, r, table);
    }
    throw WireError(Err::BadOp, "unknown agent kind " + std::to_string(static_cast<int>(kind)));
}

void readSignal(const Sim& sim, uint32_t sig, uint32_t* out) { sim.table()[sig].read(out); }

uint64_t readU64(const Sim& sim, uint32_t sig) {
    uint32_t w[2] = {0, 0};
    sim.table()[sig].read(w);  // signalId() admitted only signals of up to 64 bits
    return w[0] | (static_cast<uint64_t>(w[1]) << 32);
}

void writeSignal(Sim& sim, uint32_t sig, uint64_t v) {
    const uint32_t width = sim.table()[sig].width;
    if (width < 64) v &= (1ull << width) - 1;
    const uint32_t w[2] = {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)};
    sim.write(sig, w);
}

void Throttle::parse(Reader& r) {
    const uint8_t mode = r.get<uint8_t>();
    rng_ = Rng(r.get<uint32_t>());
    p_ = r.get<uint32_t>();
    const uint32_t n = r.get<uint32_t>();
    if (n > (1u << 20)) throw WireError(Err::BadOp, "throttle pattern longer than 1 Mi entries");
    const uint8_t* b = r.bytes(n, "throttle pattern");
    pattern_.assign(b, b + n);
    if (mode == 1 && pattern_.empty()) throw WireError(Err::BadOp, "throttle pattern mode with an empty pattern");
    if (mode == 0) pattern_.clear();
    if (mode > 1) throw WireError(Err::BadOp, "throttle mode " + std::to_string(mode) + " is not 0 or 1");
    if (p_ > 65536) throw WireError(Err::BadOp, "throttle probability above 65536/65536");
}

bool Throttle::next() {
    if (!pattern_.empty()) {
        const bool on = pattern_[at_] != 0;
        at_ = (at_ + 1) % pattern_.size();
        return on;
    }
    if (p_ >= 65536) return true;
    return (rng_.next() & 0xffff) < p_;
}

}  // namespace cb
