// AXI-Stream source and sink agents: whole frames in and out, tvalid/tready throttled by a
// seeded pattern so back-pressure is random yet replayable. tdata up to 64 bits.
#include <deque>

#include "agent.h"
#include "sim.h"

namespace cb {
namespace {

struct Frame {
    uint32_t dest = 0, tid = 0;
    std::vector<uint8_t> data;
    uint64_t time = 0, edge = 0;  // received frames: when the last beat was taken
};

/// The signals of one AXI-Stream interface; tkeep, tlast, tdest and tid may be absent.
struct AxisPins {
    uint32_t data, keep, last, valid, ready, dest, tid;
    uint32_t bytes;  // bytes per beat

    AxisPins(Reader& r, const std::vector<Signal>& t) {
        data = signalId(r, t, "tdata");
        keep = signalId(r, t, "tkeep", true);
        last = signalId(r, t, "tlast", true);
        valid = signalId(r, t, "tvalid");
        ready = signalId(r, t, "tready");
        dest = signalId(r, t, "tdest", true);
        tid = signalId(r, t, "tid", true);
        if (t[data].width % 8) throw WireError(Err::BadOp, t[data].name + ": tdata must be whole bytes");
        bytes = t[data].width / 8;
    }
};

class AxisSource final : public Agent {
public:
    AxisSource(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t)
        : Agent(id, clock, rising), pins_(r, t) {
        throttle_.parse(r);
    }

    void push(Reader& r) override {
        Frame f;
        f.dest = r.get<uint32_t>();
        f.tid = r.get<uint32_t>();
        const uint32_t n = r.get<uint32_t>();
        if (n == 0) throw WireError(Err::BadOp, "an AXI-Stream frame needs at least one byte");
        const uint8_t* b = r.bytes(n, "frame data");
        f.data.assign(b, b + n);
        frames_.push_back(std::move(f));
    }

    void sample(Sim& sim, AgentHost&) override {
        if (!valid_ || !(readU64(sim, pins_.ready) & 1)) return;
        // The beat was taken at this edge.
        offset_ += pins_.bytes;
        valid_ = false;
        if (offset_ >= frames_.front().data.size()) {
            frames_.pop_front();
            offset_ = 0;
            ++completed_;
        }
    }

    void drive(Sim& sim) override {
        // tvalid, once up, stays up until the beat is taken (AXI-Stream rule), so the throttle
        // only decides when to offer a beat.
        if (!valid_ && !frames_.empty()) valid_ = throttle_.next();
        writeSignal(sim, pins_.valid, valid_ ? 1 : 0);
        if (!valid_) return;
        const Frame& f = frames_.front();
        uint64_t data = 0, keep = 0;
        const size_t n = std::min<size_t>(pins_.bytes, f.data.size() - offset_);
        for (size_t i = 0; i < n; ++i) {
            data |= static_cast<uint64_t>(f.data[offset_ + i]) << (8 * i);
            keep |= 1ull << i;
        }
        writeSignal(sim, pins_.data, data);
        if (pins_.keep != kAbsent) writeSignal(sim, pins_.keep, keep);
        if (pins_.last != kAbsent) writeSignal(sim, pins_.last, offset_ + n >= f.data.size() ? 1 : 0);
        if (pins_.dest != kAbsent) writeSignal(sim, pins_.dest, f.dest);
        if (pins_.tid != kAbsent) writeSignal(sim, pins_.tid, f.tid);
    }

private:
    AxisPins pins_;
    Throttle throttle_;
    std::deque<Frame> frames_;
    size_t offset_ = 0;
    bool valid_ = false;
};

class AxisSink final : public Agent {
public:
    AxisSink(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t)
        : Agent(id, clock, rising), pins_(r, t) {
        throttle_.parse(r);
        chunk_ = r.get<uint32_t>();
        credits_ = r.get<uint32_t>();
        if (chunk_ == 0 || credits_ == 0) throw WireError(Err::BadOp, "an AXI-Stream sink needs a chunk size and credits");
    }

    void sample(Sim& sim, AgentHost& host) override {
        if (!ready_ || !(readU64(sim, pins_.valid) & 1)) return;
        const uint64_t data = readU64(sim, pins_.data);
        const uint64_t keep = pins_.keep != kAbsent ? readU64(sim, pins_.keep) : ~0ull;
        if (cur_.data.empty()) {
            cur_.dest = pins_.dest != kAbsent ? static_cast<uint32_t>(readU64(sim, pins_.dest)) : 0;
            cur_.tid = pins_.tid != kAbsent ? static_cast<uint32_t>(readU64(sim, pins_.tid)) : 0;
        }
        for (uint32_t i = 0; i < pins_.bytes; ++i) {
            if (keep >> i & 1) cur_.data.push_back(static_cast<uint8_t>(data >> (8 * i)));
        }
        const bool last = pins_.last == kAbsent || (readU64(sim, pins_.last) & 1);
        if (!last) return;
        cur_.time = sim.now();
        cur_.edge = edges();
        done_.push_back(std::move(cur_));
        cur_ = Frame{};
        ++completed_;
        if (done_.size() >= chunk_) send(host, false, true);
    }

    void drive(Sim& sim) override {
        ready_ = throttle_.next();
        writeSignal(sim, pins_.ready, ready_ ? 1 : 0);
    }

    void flush(AgentHost& host, bool last) override {
        if (!done_.empty() || last) send(host, last, false);
    }

private:
    /// Chunk: u32 frames, then per frame u64 time, u64 edge, u32 dest, u32 id, u32 length, bytes.
    void send(AgentHost& host, bool last, bool credited) {
        begin(out_, last, credited);
        out_.put<uint32_t>(static_cast<uint32_t>(done_.size()));
        for (const Frame& f : done_) {
            stamp(out_, f.time, f.edge);
            out_.put<uint32_t>(f.dest);
            out_.put<uint32_t>(f.tid);
            out_.put<uint32_t>(static_cast<uint32_t>(f.data.size()));
            out_.bytes(f.data.data(), f.data.size());
        }
        done_.clear();
        ship(host, out_, credited);
    }

    AxisPins pins_;
    Throttle throttle_;
    uint32_t chunk_ = 0;
    Frame cur_;
    std::vector<Frame> done_;
    bool ready_ = false;
    Writer out_;
};

}  // namespace

std::unique_ptr<Agent> makeAxisSource(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t) {
    return std::make_unique<AxisSource>(id, clock, rising, r, t);
}

std::unique_ptr<Agent> makeAxisSink(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t) {
    return std::make_unique<AxisSink>(id, clock, rising, r, t);
}

}  // namespace cb
