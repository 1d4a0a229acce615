#include "sim.h"

#include <algorithm>
#include <cstring>

namespace cb {

Sim::Sim(int argc, char** argv) : argc_(argc), argv_(argv) { create(); }

Sim::~Sim() {
    traceOff();
    if (dut_) dut_->final();
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
    watched_.assign(table_.size(), 0);
    saved_.assign(table_.size(), 0);
    savedList_.clear();
    now_ = 0;
    phase_ = Phase::Active;
    dirty_ = false;
    dumped_ = false;
    ended_ = false;
    evals_ = 0;
    armed_.clear();
    timers_ = {};
    readOnly_.clear();
    readWrite_.clear();
    nextStep_.clear();
    edgeSigs_.clear();
    clocks_.clear();
    fired_.clear();
    ctx_->time(0);
    dut_->eval();  // initial blocks and the settled reset-free state, as at time 0 in cocotb
    ++evals_;
    ended_ = ctx_->gotFinish();
}

void Sim::restart() {
    traceOff();
    dut_->final();
    dut_.reset();
    ctx_.reset();
    create();
}

void Sim::saveBeforeChange(uint32_t sig) {
    if (watched_[sig] || saved_[sig]) return;
    prev_[sig].resize(table_[sig].words());
    table_[sig].read(prev_[sig].data());
    saved_[sig] = 1;
    savedList_.push_back(sig);
}

void Sim::write(uint32_t sig, const uint32_t* v) {
    Signal& s = table_[sig];
    if (s.held) return;  // a deposit never overrides a force
    saveBeforeChange(sig);
    s.write(v);
    dirty_ = true;
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
    prev_[sig].resize(table_[sig].words());
    table_[sig].read(prev_[sig].data());
}

void Sim::dropEdgeWatch(uint32_t sig) {
    watched_[sig] = 0;
    edgeSigs_.erase(std::remove(edgeSigs_.begin(), edgeSigs_.end(), sig), edgeSigs_.end());
}

void Sim::arm(uint32_t id, Trigger t) {
    switch (t.kind) {
    case TrigKind::Timer: timers_.push({t.count, id}); break;
    case TrigKind::ReadOnly: readOnly_.push_back(id); break;
    case TrigKind::ReadWrite: readWrite_.push_back(id); break;
    case TrigKind::NextTimeStep: nextStep_.push_back(id); break;
    default:
        onSig_[t.sig].push_back(id);
        addEdgeWatch(t.sig);
        break;
    }
    armed_.emplace(id, std::move(t));
}

void Sim::cancel(uint32_t id) {
    // Lists and the timer heap drop the id lazily when they next meet it.
    armed_.erase(id);
}

void Sim::clock(uint32_t sig, uint64_t period, uint64_t high, uint64_t phase, bool startHigh) {
    stopClock(sig);
    Clock c{sig, period - high, high, now_ + phase, startHigh};
    if (phase == 0) {
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

void Sim::fireTimers() {
    while (!timers_.empty() && timers_.top().first <= now_) {
        const uint32_t id = timers_.top().second;
        timers_.pop();
        if (armed_.erase(id)) fire(id);
    }
    for (uint32_t id : nextStep_) {
        if (armed_.erase(id)) fire(id);
    }
    nextStep_.clear();
}

void Sim::applyClocks() {
    for (Clock& c : clocks_) {
        if (c.next != now_) continue;
        const uint32_t v = c.nextLevel ? 1 : 0;
        write(c.sig, &v);
        c.next += c.nextLevel ? c.high : c.low;
        c.nextLevel = !c.nextLevel;
    }
}

bool Sim::condition(const Trigger& t) const {
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

void Sim::fireOn(uint32_t sig, bool rising, bool falling) {
    std::vector<uint32_t>& ids = onSig_[sig];
    size_t keep = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        const uint32_t id = ids[i];
        auto it = armed_.find(id);
        if (it == armed_.end()) continue;  // cancelled
        Trigger& t = it->second;
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
            armed_.erase(it);
            fire(id);
        } else {
            ids[keep++] = id;
        }
    }
    ids.resize(keep);
}

void Sim::evalAndDetect() {
    dut_->eval();
    ++evals_;
    dirty_ = false;
    for (uint32_t sig : savedList_) saved_[sig] = 0;
    savedList_.clear();
    for (size_t k = 0; k < edgeSigs_.size();) {
        const uint32_t sig = edgeSigs_[k];
        const Signal& s = table_[sig];
        cur_.resize(s.words());
        s.read(cur_.data());
        std::vector<uint32_t>& p = prev_[sig];
        if (std::memcmp(cur_.data(), p.data(), 4 * p.size()) != 0) {
            const bool was = p[0] & 1, is = cur_[0] & 1;
            p = cur_;
            fireOn(sig, !was && is, was && !is);
        }
        if (onSig_[sig].empty()) {
            dropEdgeWatch(sig);  // swaps nothing: erase keeps the order, k stays
        } else {
            ++k;
        }
    }
}

bool Sim::nextEventTime(uint64_t& t) {
    bool any = false;
    uint64_t best = ~0ull;
    for (const Clock& c : clocks_) {
        best = std::min(best, c.next);
        any = true;
    }
    while (!timers_.empty() && !armed_.count(timers_.top().second)) timers_.pop();
    if (!timers_.empty()) {
        best = std::min(best, timers_.top().first);
        any = true;
    }
    if (dut_->eventsPending()) {
        best = std::min(best, dut_->nextTimeSlot());
        any = true;
    }
    t = best;
    return any;
}

Status Sim::run(const std::function<void()>& tick) {
    uint32_t steps = 0;
    for (;;) {
        if (ended_) return ctx_->gotError() ? Status::Failed : Status::Finished;
        switch (phase_) {
        case Phase::Begin:
            fireTimers();
            phase_ = Phase::Drive;
            if (!fired_.empty()) return Status::Fired;
            break;
        case Phase::Drive:
            applyClocks();
            phase_ = Phase::Active;
            break;
        case Phase::Active:
            if (dirty_) {
                evalAndDetect();
                if (ctx_->gotFinish()) {
                    ended_ = true;
                    if (tfp_) tfp_->dump(now_);
                    continue;
                }
                if (!fired_.empty()) return Status::Fired;
                break;
            }
            if (!readWrite_.empty()) {
                for (uint32_t id : readWrite_) {
                    if (armed_.erase(id)) fire(id);
                }
                readWrite_.clear();
                if (!fired_.empty()) return Status::Fired;
            }
            phase_ = Phase::ReadOnly;
            break;
        case Phase::ReadOnly:
            phase_ = Phase::End;
            for (uint32_t id : readOnly_) {
                if (armed_.erase(id)) fire(id);
            }
            readOnly_.clear();
            if (!fired_.empty()) return Status::Fired;
            break;
        case Phase::End: {
            if (tfp_ && !dumped_) tfp_->dump(now_);
            dumped_ = true;
            uint64_t next;
            if (!nextEventTime(next)) return Status::Idle;
            now_ = next;
            ctx_->time(now_);
            phase_ = Phase::Begin;
            dumped_ = false;
            // Model-internal events (--timing delays) need an eval at their time slot.
            if (dut_->eventsPending()) dirty_ = true;
            if ((++steps & 1023) == 0) tick();
            break;
        }
        }
    }
}

void Sim::traceOn(const std::string& path) {
    traceOff();
    tfp_ = std::make_unique<VerilatedFstC>();
    dut_->trace(tfp_.get());
    tfp_->open(path.c_str());
    if (!tfp_->isOpen()) {
        tfp_.reset();
        throw WireError(Err::Trace, "cannot open waveform file " + path);
    }
    tfp_->dump(now_);
}

void Sim::traceOff() {
    if (!tfp_) return;
    tfp_->close();
    tfp_.reset();
}

}  // namespace cb
