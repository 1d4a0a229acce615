// APB3 master agent: queued reads and writes, SETUP then ACCESS until pready, back to back;
// each completion records prdata and pslverr, shipped to the bridge at the next reply.
#include <deque>

#include "agent.h"
#include "sim.h"

namespace cb {
namespace {

struct ApbOp {
    bool write;
    uint32_t addr, data;
};

class ApbMaster final : public Agent {
public:
    ApbMaster(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t)
        : Agent(id, clock, rising) {
        psel_ = signalId(r, t, "psel");
        penable_ = signalId(r, t, "penable");
        pwrite_ = signalId(r, t, "pwrite");
        paddr_ = signalId(r, t, "paddr");
        pwdata_ = signalId(r, t, "pwdata");
        prdata_ = signalId(r, t, "prdata");
        pready_ = signalId(r, t, "pready", true);
        pslverr_ = signalId(r, t, "pslverr", true);
    }

    /// Payload: u8 write, u32 address, u32 data.
    void push(Reader& r) override {
        ApbOp op;
        op.write = r.get<uint8_t>() != 0;
        op.addr = r.get<uint32_t>();
        op.data = r.get<uint32_t>();
        ops_.push_back(op);
    }

    void sample(Sim& sim, AgentHost&) override {
        if (state_ != State::Access) return;
        if (pready_ != kAbsent && !(readU64(sim, pready_) & 1)) return;  // wait states
        const uint32_t rdata = static_cast<uint32_t>(readU64(sim, prdata_));
        const bool err = pslverr_ != kAbsent && (readU64(sim, pslverr_) & 1);
        results_.push_back({ops_.front().write ? 0u : rdata, err, sim.now(), edges()});
        ops_.pop_front();
        ++completed_;
        state_ = State::Idle;
    }

    void drive(Sim& sim) override {
        switch (state_) {
        case State::Idle:
            if (ops_.empty()) {
                writeSignal(sim, psel_, 0);
                writeSignal(sim, penable_, 0);
                return;
            }
            writeSignal(sim, psel_, 1);
            writeSignal(sim, penable_, 0);
            writeSignal(sim, pwrite_, ops_.front().write ? 1 : 0);
            writeSignal(sim, paddr_, ops_.front().addr);
            writeSignal(sim, pwdata_, ops_.front().write ? ops_.front().data : 0);
            state_ = State::Setup;
            return;
        case State::Setup:
            writeSignal(sim, penable_, 1);
            state_ = State::Access;
            return;
        case State::Access: return;  // held until pready
        }
    }

    /// Results: u32 count, then per transfer u64 time, u64 edge, u32 prdata (0 for writes),
    /// u8 pslverr, 3 × 0.
    void flush(AgentHost& host, bool last) override {
        if (results_.empty() && !last) return;
        begin(out_, last);
        out_.put<uint32_t>(static_cast<uint32_t>(results_.size()));
        for (const Result& res : results_) {
            stamp(out_, res.time, res.edge);
            out_.put<uint32_t>(res.data);
            out_.put<uint8_t>(res.slverr ? 1 : 0);
            out_.put<uint8_t>(0);
            out_.put<uint16_t>(0);
        }
        results_.clear();
        ship(host, out_, false);
    }

private:
    enum class State : uint8_t { Idle, Setup, Access };
    uint32_t psel_, penable_, pwrite_, paddr_, pwdata_, prdata_, pready_, pslverr_;
    struct Result {
        uint32_t data;
        bool slverr;
        uint64_t time, edge;
    };
    std::deque<ApbOp> ops_;
    std::vector<Result> results_;
    State state_ = State::Idle;
    Writer out_;
};

}  // namespace

std::unique_ptr<Agent> makeApbMaster(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t) {
    return std::make_unique<ApbMaster>(id, clock, rising, r, t);
}

}  // namespace cb
