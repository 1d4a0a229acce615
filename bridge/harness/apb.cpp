// APB3 master agent: queued transfers, SETUP then ACCESS until pready, back to back; each
// completion records prdata and pslverr, shipped to the bridge at the next reply. Beside plain
// reads and writes a queue may hold the steps that make a wake-up one round trip: a wait for the
// master's condition signal (an interrupt) with a timeout, a read repeated while a bit is set
// (a FIFO drained), and a write of what an earlier read returned (events cleared as they were seen).
#include <deque>

#include "agent.h"
#include "sim.h"

namespace cb {
namespace {

/// AGENT_PUSH's u8 kind.
enum class ApbKind : uint8_t { Read = 0, Write = 1, WriteFrom = 2, Drain = 3, Wait = 4 };

struct ApbOp {
    ApbKind kind;
    uint32_t addr, data;
    uint32_t mask = 0;     // WriteFrom: of the source's prdata; Drain: the bit that says "more"; Wait: of the signal
    uint32_t max = 0;      // Drain: at most this many reads
    uint64_t source = 0;   // WriteFrom: the transfer number whose prdata is written
    uint64_t timeout = 0;  // Wait: edges
};

/// How far back a WriteFrom may reach: the prdata of this many completed transfers is kept.
constexpr size_t kRecent = 1024;

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
        condition_ = signalId(r, t, "wait condition", true);
    }

    /// Payload: u8 kind, u32 address, u32 data, then by kind: WriteFrom u64 source, u32 mask;
    /// Drain u32 mask, u32 max; Wait u32 mask, u64 timeout (data: the value waited for).
    void push(Reader& r) override {
        ApbOp op;
        const uint8_t kind = r.get<uint8_t>();
        if (kind > static_cast<uint8_t>(ApbKind::Wait)) throw WireError(Err::BadOp, "APB master: unknown transfer kind " + std::to_string(kind));
        op.kind = static_cast<ApbKind>(kind);
        op.addr = r.get<uint32_t>();
        op.data = r.get<uint32_t>();
        switch (op.kind) {
        case ApbKind::WriteFrom:
            op.source = r.get<uint64_t>();
            op.mask = r.get<uint32_t>();
            if (op.source == 0 || op.source > pushed_ || pushed_ - op.source >= kRecent)
                throw WireError(Err::BadOp, "APB master: a write-from names transfer " + std::to_string(op.source) + ", not one of the last " + std::to_string(kRecent) + " queued before it");
            break;
        case ApbKind::Drain:
            op.mask = r.get<uint32_t>();
            op.max = r.get<uint32_t>();
            if (op.mask == 0 || op.max == 0) throw WireError(Err::BadOp, "APB master: a drain needs a bit to test and a read count");
            break;
        case ApbKind::Wait:
            op.mask = r.get<uint32_t>();
            op.timeout = r.get<uint64_t>();
            if (condition_ == kAbsent) throw WireError(Err::BadOp, "APB master: a wait, but the master was opened without a condition signal");
            break;
        default: break;
        }
        ++pushed_;
        ops_.push_back(op);
    }

    void sample(Sim& sim, AgentHost&) override {
        if (state_ == State::Access) {
            if (pready_ != kAbsent && !(readU64(sim, pready_) & 1)) return;  // wait states
            const ApbOp& op = ops_.front();
            const bool write = op.kind == ApbKind::Write || op.kind == ApbKind::WriteFrom;
            const uint32_t rdata = write ? 0u : static_cast<uint32_t>(readU64(sim, prdata_));
            const bool err = pslverr_ != kAbsent && (readU64(sim, pslverr_) & 1);
            state_ = State::Idle;
            // A drain goes on while the bit says more and reads are left; every read is a record.
            const bool more = op.kind == ApbKind::Drain && (rdata & op.mask) && !err && ++drained_ < op.max;
            results_.push_back({rdata, err, more, sim.now(), edges()});
            if (!more) complete(rdata);
            return;
        }
        if (ops_.empty() || ops_.front().kind != ApbKind::Wait) return;
        // A wait sees the condition as the flops do at this edge; the next transfer starts driving after it.
        const ApbOp& op = ops_.front();
        const bool met = (readU64(sim, condition_) & op.mask) == op.data;
        if (met || ++waited_ >= op.timeout) {
            results_.push_back({met ? 1u : 0u, false, false, sim.now(), edges()});
            complete(met ? 1u : 0u);
        }
    }

    void drive(Sim& sim) override {
        switch (state_) {
        case State::Idle: {
            if (ops_.empty() || ops_.front().kind == ApbKind::Wait) {
                writeSignal(sim, psel_, 0);
                writeSignal(sim, penable_, 0);
                return;
            }
            const ApbOp& op = ops_.front();
            const bool write = op.kind == ApbKind::Write || op.kind == ApbKind::WriteFrom;
            writeSignal(sim, psel_, 1);
            writeSignal(sim, penable_, 0);
            writeSignal(sim, pwrite_, write ? 1 : 0);
            writeSignal(sim, paddr_, op.addr);
            writeSignal(sim, pwdata_, op.kind == ApbKind::Write ? op.data : op.kind == ApbKind::WriteFrom ? recentData(op.source) & op.mask : 0);
            state_ = State::Setup;
            return;
        }
        case State::Setup:
            writeSignal(sim, penable_, 1);
            state_ = State::Access;
            return;
        case State::Access: return;  // held until pready
        }
    }

    /// Results: u32 count, then per record u64 time, u64 edge, u32 prdata (0 for writes; a wait's
    /// 1 when its condition came, 0 at its timeout), u8 pslverr, u8 more (another read of the same
    /// drain follows), 2 × 0.
    void flush(AgentHost& host, bool last) override {
        if (results_.empty() && !last) return;
        begin(out_, last);
        out_.put<uint32_t>(static_cast<uint32_t>(results_.size()));
        for (const Result& res : results_) {
            stamp(out_, res.time, res.edge);
            out_.put<uint32_t>(res.data);
            out_.put<uint8_t>(res.slverr ? 1 : 0);
            out_.put<uint8_t>(res.more ? 1 : 0);
            out_.put<uint16_t>(0);
        }
        results_.clear();
        ship(host, out_, false);
    }

private:
    enum class State : uint8_t { Idle, Setup, Access };

    /// The front transfer is done: it counts, and its prdata stays for later write-froms.
    void complete(uint32_t data) {
        ops_.pop_front();
        ++completed_;
        recent_.push_back(data);
        if (recent_.size() > kRecent) recent_.pop_front();
        drained_ = 0;
        waited_ = 0;
    }

    uint32_t recentData(uint64_t transfer) const {
        // recent_ ends with transfer completed_; push() checked the source is within reach.
        return recent_[recent_.size() - 1 - (completed_ - transfer)];
    }

    uint32_t psel_, penable_, pwrite_, paddr_, pwdata_, prdata_, pready_, pslverr_, condition_;
    struct Result {
        uint32_t data;
        bool slverr, more;
        uint64_t time, edge;
    };
    std::deque<ApbOp> ops_;
    std::deque<uint32_t> recent_;
    std::vector<Result> results_;
    State state_ = State::Idle;
    uint64_t pushed_ = 0;
    uint32_t drained_ = 0;
    uint64_t waited_ = 0;
    Writer out_;
};

}  // namespace

std::unique_ptr<Agent> makeApbMaster(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& t) {
    return std::make_unique<ApbMaster>(id, clock, rising, r, t);
}

}  // namespace cb
