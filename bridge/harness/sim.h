// The simulation kernel of the harness: owns the VerilatedContext and the model, generates clocks,
// keeps the armed triggers and runs time steps until one fires, so that TypeScript pays one round
// trip per trigger, not per cycle. The order inside one time step follows cocotb's Verilator main:
//   Begin     timers and NextTimeStep fire (values are still those of the previous step)
//   Drive     clock edges due now are applied
//   Active    eval; value-change triggers fire; writes they make are evaluated in the same step;
//             ReadWrite fires once everything is stable (its writes loop back into Active)
//   ReadOnly  everything settled; writes are refused
//   End       the waveform is dumped, time jumps to the next event (never step by step)
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent.h"
#include "dut_signal.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#include "wire.h"

namespace cb {

/// What the generated top glue (cb_top.cpp) provides for one Verilated model.
struct Dut {
    virtual ~Dut() = default;
    virtual void eval() = 0;
    virtual void final() = 0;
    virtual void trace(VerilatedFstC* tfp) = 0;
    /// True when built with --timing: only then can the model schedule its own events.
    virtual bool hasTiming() const = 0;
    virtual bool eventsPending() = 0;
    virtual uint64_t nextTimeSlot() = 0;
    /// Appends ports (in declaration order), then internal public signals.
    virtual void bind(const VerilatedContext& ctx, std::vector<Signal>& table) = 0;
};
std::unique_ptr<Dut> makeDut(VerilatedContext* ctx);
extern const char* const kTopName;

enum class Phase : uint8_t { Begin = 0, Drive = 1, Active = 2, ReadOnly = 3, End = 4 };
enum class TrigKind : uint8_t {
    Timer = 1, Rising = 2, Falling = 3, Edge = 4, Cycles = 5,
    ReadOnly = 6, ReadWrite = 7, NextTimeStep = 8, Until = 9, Agent = 10,
    Limit = 11,  // a timer that never makes time advance by itself (a watchdog)
};
enum class EdgeKind : uint8_t { Rising = 0, Falling = 1, Any = 2 };
/// Why run() returned; mirrored in bridge/src/protocol.ts.
enum class Status : uint8_t { Fired = 0, Finished = 1, Failed = 2, Idle = 3, Paused = 4 };

struct Trigger {
    TrigKind kind;
    uint32_t id = 0;
    bool live = false;         // false once fired or cancelled; the slot is reused after that
    uint32_t sig = 0;          // edge/cycles: the signal; until: the clock; agent: its id
    EdgeKind edge = EdgeKind::Rising;
    uint64_t count = 0;        // timer: absolute time; cycles: edges left; agent: completions
    uint32_t condSig = 0;      // until: the compared signal
    bool notEqual = false;
    std::vector<uint32_t> mask, value;
};

class Sim {
public:
    Sim(int argc, char** argv);
    ~Sim();
    void restart();

    // Operations of a STEP request (validated by the caller through check*()).
    void write(uint32_t sig, const uint32_t* v) {
        Signal& s = table_[sig];
        if (s.held) return;  // a deposit never overrides a force
        // An agent drives its pins at every edge, mostly with the values they hold: a write that
        // changes nothing must not cost the step another eval.
        if (s.stride <= 8 && !s.forceEn) {
            uint32_t cur[2] = {0, 0};
            s.load(s.data, cur);
            if (cur[0] == v[0] && (s.stride <= 4 || cur[1] == v[1])) return;
        }
        saveBeforeChange(sig);
        s.write(v);
        dirty_ = true;
    }
    void force(uint32_t sig, const uint32_t* v);
    void release(uint32_t sig);
    void arm(uint32_t id, Trigger t);
    void cancel(uint32_t id);
    void clock(uint32_t sig, uint64_t period, uint64_t high, uint64_t phase, bool startHigh);
    void stopClock(uint32_t sig);
    void watch(uint32_t sig);
    void unwatch(uint32_t sig);
    void openAgent(std::unique_ptr<Agent> a);
    void closeAgent(uint32_t id);
    void pushAgent(uint32_t id, Reader& r);
    bool hasAgent(uint32_t id) const { return agentAt(id) != nullptr; }
    void credit(uint32_t id, uint32_t n);
    /// Ships what every agent has buffered (before each reply: a sync point).
    void flushAgents();
    /// Where agents send their data and wait for credits (the harness).
    void setHost(AgentHost* host) { host_ = host; }

    /// Runs time steps until a trigger fires or the simulation ends; `tick` is called now and
    /// then from the loop so the caller can send heartbeats.
    Status run(const std::function<void()>& tick);

    void traceOn(const std::string& path);
    void traceOff();

    const std::vector<Signal>& table() const { return table_; }
    std::vector<Signal>& table() { return table_; }
    const std::vector<uint32_t>& snapshotSignals() const { return snap_; }
    const std::vector<uint32_t>& fired() const { return fired_; }
    void clearFired() { fired_.clear(); }
    uint64_t now() const { return now_; }
    Phase phase() const { return phase_; }
    bool ended() const { return ended_; }
    bool armed(uint32_t id) const { return slotOf_.count(id) != 0; }
    uint64_t evals() const { return evals_; }
    int precision() const { return ctx_->timeprecision(); }

private:
    struct Clock {
        uint32_t sig;
        uint64_t low, high;  // time units low and high
        uint64_t next;       // time of the next change
        bool nextLevel;
    };
    void create();
    /// With --coverage: writes this model's counts to its own .dat (before the model goes:
    /// under 5.006 writing after the model is deleted is a use-after-free).
    void writeCoverage();
    void fireTimers() {
        if (!timers_.empty() && timers_.top().first <= now_) fireTimersDue(timers_);
        if (!limits_.empty() && limits_.top().first <= now_) fireTimersDue(limits_);
        fireAll(nextStep_);
    }
    using TimerEntry = std::pair<uint64_t, uint32_t>;  // (time, slot)
    using TimerQueue = std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<TimerEntry>>;
    void fireTimersDue(TimerQueue& q);
    /// Drops cancelled timers from the top of `q`; true when a live one is left.
    bool liveTop(TimerQueue& q);
    void fireAll(std::vector<uint32_t>& slots) {
        if (slots.empty()) return;
        for (uint32_t slot : slots) fireSlot(slot);
        slots.clear();
    }
    void applyClocks() {
        for (Clock& c : clocks_) {
            if (c.next != now_) continue;
            if (!agents_.empty()) sampleAgents(c.sig, c.nextLevel);
            const uint32_t v = c.nextLevel ? 1 : 0;
            write(c.sig, &v);
            c.next += c.nextLevel ? c.high : c.low;
            c.nextLevel = !c.nextLevel;
        }
    }
    void sampleAgents(uint32_t clock, bool rising);
    void driveAgents();
    void checkAgentTriggers();
    void evalAndDetect();
    void fireOn(uint32_t sig, bool rising, bool falling);
    bool condition(const Trigger& t) const;
    void addEdgeWatch(uint32_t sig);
    void saveBeforeChange(uint32_t sig) {
        if (!watched_[sig] && !saved_[sig]) saveSlow(sig);
    }
    void saveSlow(uint32_t sig);
    void dropEdgeWatch(uint32_t sig);
    bool nextEventTime(uint64_t& t);
    /// Fires the trigger in `slot` (if still live) and frees the slot: the caller drops it from
    /// its list. A dead slot met in a list (cancelled) is freed the same way.
    void fireSlot(uint32_t slot) {
        Trigger& t = pool_[slot];
        if (t.live) {
            fired_.push_back(t.id);
            slotOf_.erase(t.id);
        }
        t.live = false;
        freeSlots_.push_back(slot);
    }
    void dropSlot(uint32_t slot) {
        pool_[slot].live = false;
        freeSlots_.push_back(slot);
    }

    uint32_t coverageRuns_ = 0;
    int argc_;
    char** argv_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Dut> dut_;
    std::unique_ptr<VerilatedFstC> tfp_;
    std::vector<Signal> table_;
    std::vector<uint32_t> snap_;  // ports then watched signals, in that order

    uint64_t now_ = 0;
    Phase phase_ = Phase::Active;
    bool dirty_ = false;
    bool dumped_ = false;
    bool ended_ = false;
    uint64_t evals_ = 0;

    // Triggers live in a pool so the per-edge path indexes instead of hashing; ids map to slots
    // only for cancel and for duplicate checks. Each slot sits in exactly one list.
    std::vector<Trigger> pool_;
    std::vector<uint32_t> freeSlots_;
    std::unordered_map<uint32_t, uint32_t> slotOf_;
    bool timing_ = false;
    TimerQueue timers_, limits_;
    std::vector<uint32_t> readOnly_, readWrite_, nextStep_;  // slots
    std::vector<std::vector<uint32_t>> onSig_;  // per signal: slots of edge/cycles/until triggers
    std::vector<uint32_t> edgeSigs_;            // signals compared after each eval
    // Per signal, which changes its triggers care about (kRise|kFall|kAny): a clock whose
    // triggers all count rising edges skips the trigger scan on every falling edge.
    std::vector<uint8_t> interest_;
    static constexpr uint8_t kRise = 1, kFall = 2, kAny = 4;
    static uint8_t interestOf(const Trigger& t);
    std::vector<std::vector<uint32_t>> prev_;   // per signal: value after the last eval
    // A trigger armed after a write but before the eval that applies it must compare against
    // the evaluated value, so a write to an unwatched signal first saves that value in prev_.
    std::vector<uint8_t> watched_, saved_;
    std::vector<uint32_t> savedList_;
    std::vector<uint32_t> cur_;
    std::vector<Clock> clocks_;
    std::vector<uint32_t> fired_;
    // Agents by id (the bridge numbers them from 1): the per-edge path indexes, never hashes.
    std::vector<std::unique_ptr<Agent>> agents_;
    std::vector<Agent*> agentList_;      // the open ones, in opening order
    Agent* agentAt(uint32_t id) const { return id < agents_.size() ? agents_[id].get() : nullptr; }
    std::vector<Agent*> edgeAgents_;     // sampled at this edge, to drive once it is evaluated
    bool progress_ = false;              // an agent completed something since the last check
    bool newAgentTrig_ = false;          // an AGENT trigger was armed since the last check
    std::vector<uint32_t> agentTrigs_;   // slots of AGENT triggers
    AgentHost* host_ = nullptr;
};

}  // namespace cb
