#include "sim.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if VM_COVERAGE
#include "verilated_cov.h"
#endif

namespace cb {

Sim::Sim(int argc, char** argv) : argc_(argc), argv_(argv) { create(); }

Sim::~Sim() {
    traceOff();
    if (dut_) {
        dut_->final();
        writeCoverage();
    }
}

void Sim::writeCoverage() {
#if VM_COVERAGE
    const char* dir = std::getenv("CELLBENCH_COVERAGE_DIR");
    if (!dir || !*dir) return;
    const std::string file = std::string(dir) + "/" + kTopName + "-" + std::to_string(getpid()) + "-"
                             + std::to_string(coverageRuns_++) + ".dat";
    ctx_->coveragep()->write(file.c_str());
#endif
}

void Sim::create() {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->commandArgs(argc_, argv_);
    // $stop/$fatal/assertion failures end the run with a reason instead of abort()ing the process.
    ctx_->fatalOnError(false);
    ctx_->traceEverOn(true);
    dut_ = makeDut(ctx_.get());
    table_.clear();
    dut_->bind(*ctx_, table_);
    snap_.clear();
    for (uint32_t i = 0; i < table_.size(); ++i) {
        if (table_[i].dir != Dir::Internal) snap_.push_back(i);
    }
    onSig_.assign(table_.size(), {});
    prev_.assign(table_.size(), {});
    for (size_t i = 0; i < table_.size(); ++i) prev_[i].resize(table_[i].words());
    watched_.assign(table_.size(), 0);
    interest_.assign(table_.size(), 0);
    saved_.assign(table_.size(), 0);
    savedList_.clear();
    now_ = 0;
    phase_ = Phase::Active;
    dirty_ = false;
    dumped_ = false;
    ended_ = false;
    evals_ = 0;
    pool_.clear();
    freeSlots_.clear();
    slotOf_.clear();
    timing_ = dut_->hasTiming();
    timers_ = {};
    limits_ = {};
    readOnly_.clear();
    readWrite_.clear();
    nextStep_.clear();
    edgeSigs_.clear();
    clocks_.clear();
    fired_.clear();
    agents_.clear();
    agentList_.clear();
    edgeAgents_.clear();
    agentTrigs_.clear();
    ctx_->time(0);
    dut_->eval();  // initial blocks and the settled reset-free state, as at time 0 in cocotb
    ++evals_;
    ended_ = ctx_->gotFinish();
}

void Sim::restart() {
    traceOff();
    dut_->final();
    writeCoverage();  // each run its own .dat, while the model still exists
    dut_.reset();
    ctx_.reset();
    create();
}

void Sim::saveSlow(uint32_t sig) {
    table_[sig].read(prev_[sig].data());
    saved_[sig] = 1;
    savedList_.push_back(sig);
}


void Sim::force(uint32_t sig, const uint32_t* v) {
    Signal& s = table_[sig];
    saveBeforeChange(sig);
    if (s.forceEn) {
        s.store(s.forceVal, v);
        std::vector<uint32_t> ones(s.words(), ~0u);
        if (s.width % 32) ones.back() = (1u << (s.width % 32)) - 1;
        s.store(s.forceEn, ones.data());
    } else {
        s.held = false;
        s.write(v);
        s.held = true;
    }
    dirty_ = true;
}

void Sim::release(uint32_t sig) {
    Signal& s = table_[sig];
    saveBeforeChange(sig);
    if (s.forceEn) {
        std::vector<uint32_t> zeros(s.words(), 0);
        s.store(s.forceEn, zeros.data());
    }
    s.held = false;
    dirty_ = true;
}

void Sim::addEdgeWatch(uint32_t sig) {
    if (watched_[sig]) return;
    watched_[sig] = 1;
    edgeSigs_.push_back(sig);
    if (saved_[sig]) return;  // prev_ holds the value before the pending write
    table_[sig].read(prev_[sig].data());
}

void Sim::dropEdgeWatch(uint32_t sig) {
    watched_[sig] = 0;
    edgeSigs_.erase(std::remove(edgeSigs_.begin(), edgeSigs_.end(), sig), edgeSigs_.end());
}

void Sim::arm(uint32_t id, Trigger t) {
    uint32_t slot;
    if (freeSlots_.empty()) {
        slot = static_cast<uint32_t>(pool_.size());
        pool_.emplace_back(t);
    } else {
        slot = freeSlots_.back();
        freeSlots_.pop_back();
    }
    t.id = id;
    t.live = true;
    switch (t.kind) {
    case TrigKind::Timer: timers_.push({t.count, slot}); break;
    case TrigKind::Limit: limits_.push({t.count, slot}); break;
    case TrigKind::ReadOnly: readOnly_.push_back(slot); break;
    case TrigKind::ReadWrite: readWrite_.push_back(slot); break;
    case TrigKind::NextTimeStep: nextStep_.push_back(slot); break;
    case TrigKind::Agent:
        agentTrigs_.push_back(slot);
        newAgentTrig_ = true;
        break;
    default:
        onSig_[t.sig].push_back(slot);
        interest_[t.sig] |= interestOf(t);
        addEdgeWatch(t.sig);
        break;
    }
    pool_[slot] = std::move(t);
    slotOf_.emplace(id, slot);
}

void Sim::cancel(uint32_t id) {
    auto it = slotOf_.find(id);
    if (it == slotOf_.end()) return;
    // The slot stays in its list, dead, until the list next meets it and frees it.
    pool_[it->second].live = false;
    slotOf_.erase(it);
}

void Sim::clock(uint32_t sig, uint64_t period, uint64_t high, uint64_t phase, bool startHigh) {
    stopClock(sig);
    Clock c{sig, period - high, high, now_ + phase, startHigh};
    if (phase == 0) {
        // The edge the clock starts with is an edge like any other: agents sample it too.
        if (!agents_.empty()) sampleAgents(sig, startHigh);
        const uint32_t v = startHigh ? 1 : 0;
        write(sig, &v);
        c.next = now_ + (startHigh ? c.high : c.low);
        c.nextLevel = !startHigh;
    }
    clocks_.push_back(c);
}

void Sim::stopClock(uint32_t sig) {
    clocks_.erase(std::remove_if(clocks_.begin(), clocks_.end(),
                                 [sig](const Clock& c) { return c.sig == sig; }),
                  clocks_.end());
}

void Sim::watch(uint32_t sig) {
    if (std::find(snap_.begin(), snap_.end(), sig) == snap_.end()) snap_.push_back(sig);
}

void Sim::unwatch(uint32_t sig) {
    if (table_[sig].dir != Dir::Internal) return;  // ports are always in the snapshot
    snap_.erase(std::remove(snap_.begin(), snap_.end(), sig), snap_.end());
}

void Sim::openAgent(std::unique_ptr<Agent> a) {
    const uint32_t id = a->id();
    if (id >= agents_.size()) agents_.resize(id + 1);
    agentList_.push_back(a.get());
    agents_[id] = std::move(a);
}

void Sim::closeAgent(uint32_t id) {
    Agent* a = agentAt(id);
    if (!a) return;
    if (host_) a->flush(*host_, true);
    edgeAgents_.erase(std::remove(edgeAgents_.begin(), edgeAgents_.end(), a), edgeAgents_.end());
    agentList_.erase(std::remove(agentList_.begin(), agentList_.end(), a), agentList_.end());
    agents_[id].reset();
    progress_ = true;  // its triggers fire now: the bridge learns it closed
    checkAgentTriggers();
}

void Sim::pushAgent(uint32_t id, Reader& r) {
    Agent* a = agentAt(id);
    if (!a) throw WireError(Err::BadOp, "agent " + std::to_string(id) + " is not open");
    a->push(r);
    if (r.left()) throw WireError(Err::BadOp, "agent " + std::to_string(id) + ": " + std::to_string(r.left()) + " stray bytes in a transaction");
}

void Sim::credit(uint32_t id, uint32_t n) {
    if (Agent* a = agentAt(id)) a->addCredits(n);
}

void Sim::flushAgents() {
    if (!host_) return;
    for (Agent* a : agentList_) a->flush(*host_, false);
}

void Sim::sampleAgents(uint32_t clock, bool rising) {
    for (Agent* a : agentList_) {
        if (a->clock() != clock || a->rising() != rising) continue;
        const uint64_t before = a->completed();
        a->countEdge();
        a->sample(*this, *host_);
        progress_ |= a->completed() != before;
        edgeAgents_.push_back(a);
    }
    checkAgentTriggers();
}

void Sim::driveAgents() {
    for (Agent* a : edgeAgents_) {
        const uint64_t before = a->completed();
        a->drive(*this);
        progress_ |= a->completed() != before;
    }
    edgeAgents_.clear();
    checkAgentTriggers();
}

void Sim::checkAgentTriggers() {
    if (!progress_ && agentTrigs_.empty()) return;
    // A trigger armed since the last check may be met already: check all when any arrived.
    if (!progress_ && !newAgentTrig_) return;
    progress_ = false;
    newAgentTrig_ = false;
    size_t keep = 0;
    for (uint32_t slot : agentTrigs_) {
        Trigger& t = pool_[slot];
        Agent* a = t.live ? agentAt(t.sig) : nullptr;
        if (!a || a->completed() >= t.count) {
            fireSlot(slot);  // fired, or cancelled, or its agent closed (the bridge reports that)
        } else {
            agentTrigs_[keep++] = slot;
        }
    }
    agentTrigs_.resize(keep);
}

void Sim::fireTimersDue(TimerQueue& q) {
    while (!q.empty() && q.top().first <= now_) {
        const uint32_t slot = q.top().second;
        q.pop();
        fireSlot(slot);
    }
}

bool Sim::liveTop(TimerQueue& q) {
    while (!q.empty() && !pool_[q.top().second].live) {
        dropSlot(q.top().second);
        q.pop();
    }
    return !q.empty();
}



bool Sim::condition(const Trigger& t) const {
    const Signal& s1 = table_[t.condSig];
    if (s1.words() == 1) {
        uint32_t v;
        s1.read(&v);
        return ((v & t.mask[0]) == t.value[0]) != t.notEqual;
    }
    uint32_t buf[64];
    std::vector<uint32_t> big;
    const Signal& s = table_[t.condSig];
    uint32_t* v = buf;
    if (s.words() > 64) {
        big.resize(s.words());
        v = big.data();
    }
    s.read(v);
    bool eq = true;
    for (uint32_t i = 0; i < s.words(); ++i) eq = eq && ((v[i] & t.mask[i]) == t.value[i]);
    return eq != t.notEqual;
}

uint8_t Sim::interestOf(const Trigger& t) {
    switch (t.kind) {
    case TrigKind::Rising: return kRise;
    case TrigKind::Falling: return kFall;
    case TrigKind::Edge: return kAny;
    default: return t.edge == EdgeKind::Rising ? kRise : t.edge == EdgeKind::Falling ? kFall : kAny;
    }
}

void Sim::fireOn(uint32_t sig, bool rising, bool falling) {
    std::vector<uint32_t>& slots = onSig_[sig];
    uint8_t interest = 0;
    size_t keep = 0;
    for (size_t i = 0; i < slots.size(); ++i) {
        const uint32_t slot = slots[i];
        Trigger& t = pool_[slot];
        if (!t.live) {  // cancelled
            dropSlot(slot);
            continue;
        }
        const bool edgeHit = t.edge == EdgeKind::Any || (t.edge == EdgeKind::Rising && rising)
                             || (t.edge == EdgeKind::Falling && falling);
        bool done = false;
        switch (t.kind) {
        case TrigKind::Rising: done = rising; break;
        case TrigKind::Falling: done = falling; break;
        case TrigKind::Edge: done = true; break;
        case TrigKind::Cycles: done = edgeHit && --t.count == 0; break;
        case TrigKind::Until: done = edgeHit && condition(t); break;
        default: break;
        }
        if (done) {
            fireSlot(slot);
        } else {
            slots[keep++] = slot;
            interest |= interestOf(t);
        }
    }
    slots.resize(keep);
    interest_[sig] = interest;
}

void Sim::evalAndDetect() {
    dut_->eval();
    ++evals_;
    dirty_ = false;
    if (!savedList_.empty()) {
        for (uint32_t sig : savedList_) saved_[sig] = 0;
        savedList_.clear();
    }
    for (size_t k = 0; k < edgeSigs_.size();) {
        const uint32_t sig = edgeSigs_[k];
        const Signal& s = table_[sig];
        std::vector<uint32_t>& p = prev_[sig];
        bool was, is;
        if (s.words() == 1) {  // the common case (clocks, strobes): no buffer, no memcmp
            uint32_t v;
            s.read(&v);
            if (v == p[0]) {
                ++k;
                continue;
            }
            was = p[0] & 1;
            is = v & 1;
            p[0] = v;
        } else {
            cur_.resize(s.words());
            s.read(cur_.data());
            if (std::memcmp(cur_.data(), p.data(), 4 * p.size()) == 0) {
                ++k;
                continue;
            }
            was = p[0] & 1;
            is = cur_[0] & 1;
            p = cur_;
        }
        const uint8_t want = interest_[sig];
        if ((want & kAny) || (!was && is && (want & kRise)) || (was && !is && (want & kFall))) {
            fireOn(sig, !was && is, was && !is);
            if (onSig_[sig].empty()) {
                dropEdgeWatch(sig);  // erase keeps the order: k now names the next signal
                continue;
            }
        }
        ++k;
    }
    if (!edgeAgents_.empty()) driveAgents();
}

bool Sim::nextEventTime(uint64_t& t) {
    bool any = false;
    uint64_t best = ~0ull;
    for (const Clock& c : clocks_) {
        best = std::min(best, c.next);
        any = true;
    }
    if (liveTop(timers_)) {
        best = std::min(best, timers_.top().first);
        any = true;
    }
    if (timing_ && dut_->eventsPending()) {
        best = std::min(best, dut_->nextTimeSlot());
        any = true;
    }
    // A limit stops time at its own instant, but only where something else moves time on.
    if (any && liveTop(limits_)) best = std::min(best, limits_.top().first);
    t = best;
    return any;
}

Status Sim::run(const std::function<void()>& tick) {
    if (ended_) return ctx_->gotError() ? Status::Failed : Status::Finished;
    if (!fired_.empty()) return Status::Fired;
    uint32_t steps = 0;
    // One pass of the loop is one time step, its phases in straight-line order. A reply leaves
    // the loop mid-step; the jump below resumes there. A switch at the top of every pass cost
    // more (an indirect jump per step) than evaluating this DUT.
    switch (phase_) {
    case Phase::Begin: goto begin;
    case Phase::Drive: goto drive;
    case Phase::Active: goto active;
    case Phase::ReadOnly: goto readOnly;
    case Phase::End: goto end;
    }
    for (;;) {
    begin:
        fireTimers();
        phase_ = Phase::Drive;
        if (!fired_.empty()) return Status::Fired;
    drive:
        applyClocks();
        phase_ = Phase::Active;
    active:
        for (;;) {
            if (dirty_) {
                evalAndDetect();
                if (ctx_->gotFinish()) {
                    ended_ = true;
                    if (tfp_) tfp_->dump(now_);
                    return ctx_->gotError() ? Status::Failed : Status::Finished;
                }
            } else if (!readWrite_.empty()) {
                fireAll(readWrite_);
            } else {
                break;
            }
            if (!fired_.empty()) return Status::Fired;
        }
        phase_ = Phase::ReadOnly;
    readOnly:
        phase_ = Phase::End;
        fireAll(readOnly_);
        if (!fired_.empty()) return Status::Fired;
    end:
        if (tfp_ && !dumped_) tfp_->dump(now_);
        dumped_ = true;
        {
            uint64_t next;
            if (!nextEventTime(next)) return Status::Idle;
            now_ = next;
        }
        ctx_->time(now_);
        phase_ = Phase::Begin;
        dumped_ = false;
        // Model-internal events (--timing delays) need an eval at their time slot.
        if (timing_ && dut_->eventsPending()) dirty_ = true;
        if ((++steps & 1023) == 0) tick();
    }
}

void Sim::traceOn(const std::string& path) {
    traceOff();
    // Newer Verilators' FST writer does not report a file it cannot create (isOpen() stays true).
    std::FILE* probe = std::fopen(path.c_str(), "wb");
    if (!probe) throw WireError(Err::Trace, "cannot open waveform file " + path);
    std::fclose(probe);
    tfp_ = std::make_unique<VerilatedFstC>();
    dut_->trace(tfp_.get());
    tfp_->open(path.c_str());
    if (!tfp_->isOpen()) {
        tfp_.reset();
        throw WireError(Err::Trace, "cannot open waveform file " + path);
    }
    // The End phase dumps this step unless it already has; a second dump of one time makes
    // Verilator warn "previous dump at t=…" (once per traced test under WAVES=1 or CI).
    if (dumped_) tfp_->dump(now_);
}

void Sim::traceOff() {
    if (!tfp_) return;
    tfp_->close();
    tfp_.reset();
}

}  // namespace cb
