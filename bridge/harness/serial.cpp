// Serial-line agents (UART-style, 8N1 and friends): a source that sends characters with
// deliberate parity/framing errors, breaks and baud skew, and a sink that decodes a line with
// mid-bit sampling. Bit time is in clock cycles, 16.16 fixed point, so skew is exact.
#include <deque>

#include "agent.h"
#include "sim.h"

namespace cb {
namespace {

struct LineFormat {
    uint32_t bit16;  // cycles per bit, 16.16
    uint8_t dataBits, parity, stopBits;  // parity: 0 none, 1 even, 2 odd

    explicit LineFormat(Reader& r) {
        bit16 = r.get<uint32_t>();
        dataBits = r.get<uint8_t>();
        parity = r.get<uint8_t>();
        stopBits = r.get<uint8_t>();
        if (bit16 < (2u << 16)) throw WireError(Err::BadOp, "a serial bit must last at least 2 clock cycles");
        if (dataBits < 5 || dataBits > 9 || parity > 2 || stopBits < 1 || stopBits > 2) {
            throw WireError(Err::BadOp, "serial format: 5..9 data bits, parity 0..2, 1..2 stop bits");
        }
    }
    bool parityBit(uint32_t v) const {
        const bool odd = __builtin_popcount(v & ((1u << dataBits) - 1)) & 1;
        return parity == 1 ? odd : !odd;
    }
};

enum : uint8_t { kBadParity = 1, kBadStop = 2, kBreak = 4 };

class SerialSource final : public Agent {
public:
    SerialSource(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t)
        : Agent(id, clock, rising), line_(signalId(r, t, "serial line")), fmt_(r) {}

    /// Payload: u16 value, u8 flags (1 wrong parity, 2 stop bit 0 = framing error, 4 break).
    void push(Reader& r) override {
        const uint32_t v = r.get<uint16_t>();
        const uint8_t flags = r.get<uint8_t>();
        std::vector<uint8_t> bits{0};  // start bit
        const uint32_t n = 1 + fmt_.dataBits + (fmt_.parity ? 1 : 0) + fmt_.stopBits;
        if (flags & kBreak) {
            bits.assign(2 * n, 0);  // low for two character times
        } else {
            for (uint32_t i = 0; i < fmt_.dataBits; ++i) bits.push_back(v >> i & 1);
            if (fmt_.parity) bits.push_back(fmt_.parityBit(v) ^ ((flags & kBadParity) ? 1 : 0));
            for (uint32_t i = 0; i < fmt_.stopBits; ++i) bits.push_back((flags & kBadStop) ? 0 : 1);
        }
        bits.push_back(1);  // one idle bit after a character (and after a break)
        queue_.push_back(std::move(bits));
    }

    void sample(Sim&, AgentHost&) override {
        if (queue_.empty()) return;
        acc_ += 1u << 16;
        if (acc_ < fmt_.bit16) return;
        acc_ -= fmt_.bit16;
        if (++bit_ < queue_.front().size()) return;
        queue_.pop_front();
        bit_ = 0;
        ++completed_;
    }

    void drive(Sim& sim) override {
        writeSignal(sim, line_, queue_.empty() ? 1 : queue_.front()[bit_]);
    }

private:
    uint32_t line_;
    LineFormat fmt_;
    std::deque<std::vector<uint8_t>> queue_;
    uint32_t acc_ = 0;
    size_t bit_ = 0;
};

class SerialSink final : public Agent {
public:
    SerialSink(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t)
        : Agent(id, clock, rising), line_(signalId(r, t, "serial line")), fmt_(r) {}

    void sample(Sim& sim, AgentHost&) override {
        const bool level = readU64(sim, line_) & 1;
        if (!busy_) {
            if (prev_ && !level) {  // start bit edge: sample mid-bit from here
                busy_ = true;
                next16_ = fmt_.bit16 / 2;
                pos16_ = 0;
                bits_.clear();
                start_ = edges();
            }
            prev_ = level;
            return;
        }
        pos16_ += 1u << 16;
        if (pos16_ < next16_) return;
        next16_ += fmt_.bit16;
        bits_.push_back(level);
        const size_t n = 1 + fmt_.dataBits + (fmt_.parity ? 1 : 0) + fmt_.stopBits;
        if (bits_.size() == 1 && level) {  // a glitch, not a start bit
            busy_ = false;
            prev_ = level;
            return;
        }
        if (bits_.size() < n) return;
        uint32_t v = 0;
        for (uint32_t i = 0; i < fmt_.dataBits; ++i) v |= static_cast<uint32_t>(bits_[1 + i]) << i;
        uint8_t flags = 0;
        if (fmt_.parity && bits_[1 + fmt_.dataBits] != fmt_.parityBit(v)) flags |= kBadParity;
        bool allZero = true;
        for (bool b : bits_) allZero = allZero && !b;
        for (uint32_t i = 0; i < fmt_.stopBits; ++i) {
            if (!bits_[n - 1 - i]) flags |= kBadStop;
        }
        if (allZero) flags |= kBreak;
        out_.push_back({v, flags, start_, sim.now(), edges()});
        ++completed_;
        busy_ = false;
        prev_ = level;  // after a break the line is low: the next start needs it to rise first
    }

    /// Characters: u32 count, then per character u64 time, u64 edge (of the last bit), u64
    /// start edge, u16 value, u8 flags, u8 0.
    void flush(AgentHost& host, bool last) override {
        if (out_.empty() && !last) return;
        begin(w_, last);
        w_.put<uint32_t>(static_cast<uint32_t>(out_.size()));
        for (const auto& c : out_) {
            stamp(w_, c.time, c.edge);
            w_.put<uint64_t>(c.start);
            w_.put<uint16_t>(static_cast<uint16_t>(c.value));
            w_.put<uint8_t>(c.flags);
            w_.put<uint8_t>(0);
        }
        out_.clear();
        ship(host, w_, false);
    }

private:
    struct Char {
        uint32_t value;
        uint8_t flags;
        uint64_t start, time, edge;
    };
    uint32_t line_;
    LineFormat fmt_;
    bool busy_ = false, prev_ = true;
    uint64_t start_ = 0;
    uint64_t pos16_ = 0, next16_ = 0;
    std::vector<bool> bits_;
    std::vector<Char> out_;
    Writer w_;
};

}  // namespace

std::unique_ptr<Agent> makeSerialSource(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t) {
    return std::make_unique<SerialSource>(id, clock, rising, r, t);
}

std::unique_ptr<Agent> makeSerialSink(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t) {
    return std::make_unique<SerialSink>(id, clock, rising, r, t);
}

}  // namespace cb
