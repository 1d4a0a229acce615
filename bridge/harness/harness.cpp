// cellbench harness: one Verilated top behind a ZeroMQ socket. The TypeScript side sends requests
// (bridge/PROTOCOL.md); the harness answers each one, and while it runs time it sends a heartbeat
// every 500 ms so a peer on another machine notices a dead harness. Spawned by the bridge it
// serves that bridge and exits with it; started by hand it serves one client's session after
// another, each on a fresh model, until it is stopped.
//
//   harness --connect ipc://<private dir>/1.sock --waves-dir DIR [--die-with-parent] [+plusargs...]   (spawned by the bridge)
//   harness --bind tcp://0.0.0.0:5555 --key FILE --allow FILE [--waves-dir DIR] [--once] [--peer-timeout-ms 10000] [+plusargs...]   (by hand)
//   harness --bind tcp://127.0.0.1:5555 --insecure ...   (plain, loopback only)
#include <sys/prctl.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gate.h"
#include "link.h"
#include "sim.h"
#include "waves.h"
#include "wire.h"

namespace cb {
namespace {

constexpr auto kHeartbeat = std::chrono::milliseconds(500);

volatile std::sig_atomic_t g_stop = 0;
extern "C" void onSignal(int) { g_stop = 1; }

struct Shutdown {};

/// How a session ended.
enum class SessionEnd { Quit, Silent, Gone };

class Harness final : public AgentHost {
public:
    Harness(Sim& sim, Link& link, const WaveDir& waves, long peerTimeoutMs)
        : sim_(sim), link_(link), waves_(waves), peerTimeoutMs_(peerTimeoutMs) {
        sim_.setHost(this);
    }

    void emit(const Writer& w) override {
        link_.send(w.data(), w.size());
        lastSent_ = std::chrono::steady_clock::now();
    }

    /// Waits for the first request of a session: any message of the one peer of a DEALER; on a
    /// ROUTER, a client's well-formed HELLO of this protocol version (anything else is refused,
    /// and starts nothing). False when the harness is stopped.
    bool awaitClient(Incoming& first) {
        for (;;) {
            if (nextClient_) {
                first = std::move(*nextClient_);
                nextClient_.reset();
            } else {
                if (g_stop) return false;
                if (!link_.recv(first, std::chrono::milliseconds(250))) continue;
            }
            if (!link_.routed()) return true;
            if (type(first) != Msg::Hello) {
                refuse(first);
                continue;
            }
            try {
                Reader r(static_cast<const uint8_t*>(first.body.data()), first.body.size());
                r.bytes(8, "header");
                checkHello(r);
                return true;
            } catch (const WireError& e) {
                answerError(first, e.code, e.what());
            }
        }
    }

    /// Serves one client, from its first request until it quits, goes silent for the peer
    /// timeout or goes away: the one place where a session starts and ends.
    SessionEnd session(Incoming& first) {
        link_.begin(first);
        const std::string who = first.address();
        const std::string user = first.user();
        if (link_.routed()) {
            std::fprintf(stderr, "harness: serving %s%s%s\n", who.empty() ? "a client" : who.c_str(),
                         user.empty() ? "" : ", client ", user.c_str());
        }
        SessionEnd why = SessionEnd::Gone;
        try {
            why = serveClient(first);
        } catch (const ClientGone&) {
            why = SessionEnd::Gone;
        }
        link_.end();
        if (link_.routed()) {
            static const char* const kWhy[] = {"it quit", "it sent nothing for the peer timeout", "it went away"};
            std::fprintf(stderr, "harness: session with %s ended: %s\n", who.empty() ? "a client" : who.c_str(),
                         kWhy[static_cast<int>(why)]);
        }
        return why;
    }

    /// Mid-run, the bridge sends only CREDIT and HEARTBEAT: take them until `agent` has credit.
    void waitCredit(uint32_t agent) override {
        (void)agent;
        const auto start = std::chrono::steady_clock::now();
        for (;;) {
            heartbeatIfDue();
            Incoming in;
            if (!link_.recv(in, std::chrono::milliseconds(100))) {
                if (peerTimeoutMs_ > 0 && std::chrono::steady_clock::now() - start > std::chrono::milliseconds(peerTimeoutMs_) * 30) {
                    throw WireError(Err::BadMessage, "no credit from the bridge: its consumer never read the stream");
                }
                continue;
            }
            if (!link_.fromClient(in)) {
                refuse(in);
                continue;
            }
            const zmq::message_t& m = in.body;
            if (m.size() >= 16 && static_cast<const uint8_t*>(m.data())[0] == static_cast<uint8_t>(Msg::Credit)) {
                Reader r(static_cast<const uint8_t*>(m.data()) + 8, m.size() - 8);
                const uint32_t id = r.get<uint32_t>();
                sim_.credit(id, r.get<uint32_t>());
                if (id == agent) return;
            } else if (m.size() == 0 || static_cast<const uint8_t*>(m.data())[0] != static_cast<uint8_t>(Msg::Heartbeat)) {
                std::fprintf(stderr, "harness: dropped a message that arrived mid-run (only CREDIT and HEARTBEAT may)\n");
            }
        }
    }

    /// Handles one request; returns false after QUIT.
    bool handle(const zmq::message_t& m) {
        Reader r(static_cast<const uint8_t*>(m.data()), m.size());
        const auto type = static_cast<Msg>(r.get<uint8_t>());
        const uint8_t flags = r.get<uint8_t>();
        r.get<uint16_t>();
        seq_ = r.get<uint32_t>();
        switch (type) {
        case Msg::Hello:
            hello(r);
            break;
        case Msg::Ping: {
            header(Msg::Pong);
            const size_t n = r.left();
            out_.bytes(r.bytes(n, "ping payload"), n);
            break;
        }
        case Msg::Step: step(r, flags); break;
        case Msg::MemRead: memRead(r); break;
        case Msg::MemWrite: memWrite(r); break;
        case Msg::Restart:
            noStrayBytes(r, "RESTART");
            sim_.restart();
            event(Status::Paused);
            break;
        case Msg::Trace: {
            const bool on = r.get<uint8_t>() != 0;
            const std::string path = r.str(r.get<uint32_t>());
            noStrayBytes(r, "TRACE");
            if (on) {
                sim_.traceOn(waves_.place(path));
            } else {
                sim_.traceOff();
            }
            header(Msg::Ok);
            break;
        }
        case Msg::Quit:
            noStrayBytes(r, "QUIT");  // never obeyed unless well-formed: the harness outlives bad requests
            header(Msg::Bye);
            send();
            return false;
        case Msg::Heartbeat: return true;  // liveness only, never answered
        case Msg::Credit: {  // never answered: the bridge sends it while a STEP may be running
            const uint32_t id = r.get<uint32_t>();
            sim_.credit(id, r.get<uint32_t>());
            return true;
        }
        default:
            throw WireError(Err::UnknownType, "unknown message type 0x" + hex(static_cast<uint8_t>(type)));
        }
        send();
        return true;
    }

    void error(const WireError& e) {
        header(Msg::Error);
        out_.put<uint16_t>(static_cast<uint16_t>(e.code));
        out_.put<uint16_t>(0);
        const std::string what = e.what();
        out_.put<uint32_t>(static_cast<uint32_t>(what.size()));
        out_.bytes(what.data(), what.size());
        send();
    }

    void heartbeatIfDue() {
        if (g_stop) throw Shutdown{};
        const auto now = std::chrono::steady_clock::now();
        if (now - lastSent_ < kHeartbeat) return;
        uint8_t hb[8] = {static_cast<uint8_t>(Msg::HarnessHeartbeat)};
        link_.send(hb, sizeof hb, true);  // to a client gone mid-STEP it fails: the session ends
        lastSent_ = now;
    }

private:
    static Msg type(const Incoming& in) {
        return in.body.size() ? static_cast<Msg>(*static_cast<const uint8_t*>(in.body.data())) : Msg::Error;
    }

    /// Requests from the client until the session ends (ClientGone may end it from anywhere).
    SessionEnd serveClient(Incoming& m) {
        const auto timeout = std::chrono::milliseconds(peerTimeoutMs_);
        auto lastHeard = std::chrono::steady_clock::now();
        for (;;) {
            if (link_.fromClient(m)) {
                bool more = true;
                try {
                    more = handle(m.body);
                } catch (const WireError& e) {
                    error(e);
                }
                if (!more) return SessionEnd::Quit;
                // Silence counts from the last exchange: a long STEP is not the client's silence.
                lastHeard = std::chrono::steady_clock::now();
            } else if (type(m) == Msg::Hello && !clientAlive()) {
                // A new client while the last one went unnoticed (it crashed while idle): its
                // HELLO starts the next session instead of being refused.
                nextClient_ = std::move(m);
                return SessionEnd::Gone;
            } else {
                refuse(m);
            }
            for (;;) {
                // Heartbeats to an idle routed client too: its session ends as soon as it has gone.
                if (link_.routed()) heartbeatIfDue();
                if (g_stop) throw Shutdown{};
                if (peerTimeoutMs_ > 0 && std::chrono::steady_clock::now() - lastHeard > timeout) return SessionEnd::Silent;
                if (link_.recv(m, std::chrono::milliseconds(250))) break;
            }
        }
    }

    /// Probes the client with a heartbeat now: false when it has gone.
    bool clientAlive() {
        uint8_t hb[8] = {static_cast<uint8_t>(Msg::HarnessHeartbeat)};
        try {
            link_.send(hb, sizeof hb, true);
        } catch (const ClientGone&) {
            return false;
        }
        lastSent_ = std::chrono::steady_clock::now();
        return true;
    }

    /// Answers a message that is not the session client's with NoSession (HEARTBEAT and CREDIT,
    /// which are never answered, are dropped): a reply reaches only the client that asked.
    void refuse(Incoming& in) {
        const Msg t = type(in);
        if (t == Msg::Heartbeat || t == Msg::Credit) return;
        answerError(in, Err::NoSession, link_.serving()
            ? "this harness is serving another client's test; it serves one test file at a time: "
              "run them one after another (vitest --no-file-parallelism), or start a harness per file"
            : "no session: a client starts one with HELLO (a session that went silent or went away, "
              "or whose QUIT was answered, is over)");
    }

    /// Answers a message that is not the session client's with an ERROR.
    void answerError(Incoming& in, Err code, const std::string& what) {
        Writer w;
        w.put<uint8_t>(static_cast<uint8_t>(Msg::Error));
        w.put<uint8_t>(0);
        w.put<uint16_t>(0);
        uint32_t seq = 0;
        if (in.body.size() >= 8) std::memcpy(&seq, static_cast<const uint8_t*>(in.body.data()) + 4, 4);
        w.put<uint32_t>(seq);
        w.put<uint16_t>(static_cast<uint16_t>(code));
        w.put<uint16_t>(0);
        w.put<uint32_t>(static_cast<uint32_t>(what.size()));
        w.bytes(what.data(), what.size());
        link_.answer(in, w.data(), w.size());
    }

    static void noStrayBytes(const Reader& r, const char* what) {
        if (r.left()) throw WireError(Err::BadMessage, std::string(what) + ": " + std::to_string(r.left()) + " stray bytes");
    }

    static std::string hex(unsigned v) {
        char b[16];
        std::snprintf(b, sizeof b, "%02x", v);
        return b;
    }

    void header(Msg t) {
        out_.clear();
        out_.put<uint8_t>(static_cast<uint8_t>(t));
        out_.put<uint8_t>(0);
        out_.put<uint16_t>(0);
        out_.put<uint32_t>(seq_);
    }

    void send() {
        std::fflush(stdout);  // $display output reaches the bridge before the reply does
        link_.send(out_.data(), out_.size());
        lastSent_ = std::chrono::steady_clock::now();
    }

    /// The body of a HELLO: this protocol version, nothing more.
    static void checkHello(Reader& r) {
        const uint16_t v = r.get<uint16_t>();
        if (v != kProtocolVersion) {  // checked first: another version may lay out the rest otherwise
            throw WireError(Err::BadVersion, "protocol version " + std::to_string(v)
                                                 + " requested, this harness speaks "
                                                 + std::to_string(kProtocolVersion)
                                                 + ": rebuild the harness (delete the build cache)");
        }
        r.get<uint16_t>();
        noStrayBytes(r, "HELLO");
    }

    void hello(Reader& r) {
        checkHello(r);
        header(Msg::HelloOk);
        out_.put<uint16_t>(kProtocolVersion);
        out_.put<uint16_t>(0);
        out_.put<int8_t>(static_cast<int8_t>(sim_.precision()));
        out_.put<uint8_t>(0);
        out_.put<uint16_t>(0);
        putString(kTopName);
        const auto& t = sim_.table();
        out_.put<uint32_t>(static_cast<uint32_t>(t.size()));
        for (const Signal& s : t) {
            putString(s.name);
            out_.put<uint32_t>(s.width);
            out_.put<uint32_t>(s.depth);
            out_.put<uint8_t>(static_cast<uint8_t>(s.dir));
            out_.put<uint8_t>(s.flags);
            out_.put<uint16_t>(0);
        }
    }

    void putString(const std::string& s) {
        out_.put<uint32_t>(static_cast<uint32_t>(s.size()));
        out_.bytes(s.data(), s.size());
    }

    uint32_t sigId(Reader& r, const char* role) {
        const uint32_t id = r.get<uint32_t>();
        if (id >= sim_.table().size()) {
            throw WireError(Err::UnknownSignal, std::string(role) + " signal id " + std::to_string(id)
                                                    + " is not in the signal table ("
                                                    + std::to_string(sim_.table().size()) + " signals)");
        }
        return id;
    }

    const Signal& plain(uint32_t id) {
        const Signal& s = sim_.table()[id];
        if (s.flags & kMemory) {
            throw WireError(Err::NotMemory, s.name + " is a memory: use a bulk read/write, not a value");
        }
        if (!s.data) throw WireError(Err::UnknownSignal, s.name + " has no readable storage");
        return s;
    }

    std::vector<uint32_t> value(Reader& r, const Signal& s) {
        std::vector<uint32_t> v(s.words());
        const uint8_t* b = r.bytes(4 * v.size(), "value");
        std::memcpy(v.data(), b, 4 * v.size());
        if (s.overflows(v.data())) {
            throw WireError(Err::WidthOverflow, "value for " + s.name + " does not fit in "
                                                    + std::to_string(s.width) + " bits");
        }
        return v;
    }

    bool writable() const {
        return sim_.phase() == Phase::Begin || sim_.phase() == Phase::Drive
               || sim_.phase() == Phase::Active;
    }

    void requireWritable(const Signal& s) {
        if (!writable()) {
            throw WireError(Err::WriteInReadOnly, "write to " + s.name
                                                      + " in the ReadOnly phase: await a trigger "
                                                        "that leaves it (e.g. NextTimeStep) first");
        }
    }

    struct Parsed {
        Op op;
        uint32_t sig = 0, id = 0;
        std::vector<uint32_t> v;
        std::unique_ptr<Agent> agent;
        std::vector<uint8_t> payload;
        Trigger trig{TrigKind::Timer};
        uint64_t period = 0, high = 0, phase = 0;
        bool startHigh = false;
    };

    Parsed parseOp(Reader& r, std::vector<uint32_t>& newIds, std::vector<uint32_t>& newAgents) {
        Parsed p;
        p.op = static_cast<Op>(r.get<uint8_t>());
        switch (p.op) {
        case Op::Write: {
            p.sig = sigId(r, "write");
            const Signal& s = plain(p.sig);
            if (!(s.flags & kWritable)) {
                throw WireError(Err::NotWritable, s.name + " is not writable (an output, or an internal "
                                                           "signal that is not public_flat_rw)");
            }
            p.v = value(r, s);
            requireWritable(s);
            break;
        }
        case Op::Force: {
            p.sig = sigId(r, "force");
            const Signal& s = plain(p.sig);
            if (!(s.flags & kForceable)) {
                throw WireError(Err::NotForceable, s.name + " is not forceable: add `forceable -module <m> "
                                                            "-var <v>` for it to the top's .vlt");
            }
            p.v = value(r, s);
            requireWritable(s);
            break;
        }
        case Op::Release: {
            p.sig = sigId(r, "release");
            const Signal& s = plain(p.sig);
            if (!(s.flags & kForceable)) throw WireError(Err::NotForceable, s.name + " is not forceable");
            requireWritable(s);
            break;
        }
        case Op::Arm: p.id = r.get<uint32_t>(); p.trig = parseTrigger(r, p.id, newIds); break;
        case Op::Cancel: p.id = r.get<uint32_t>(); break;
        case Op::Clock: {
            p.sig = sigId(r, "clock");
            const Signal& s = plain(p.sig);
            p.period = r.get<uint64_t>();
            p.high = r.get<uint64_t>();
            p.phase = r.get<uint64_t>();
            p.startHigh = r.get<uint8_t>() != 0;
            if (s.width != 1 || !(s.flags & kWritable)) {
                throw WireError(Err::NotWritable, "clock on " + s.name + ": needs a writable 1-bit signal");
            }
            if (p.high == 0 || p.high >= p.period) {
                throw WireError(Err::BadOp, "clock on " + s.name + ": high time " + std::to_string(p.high)
                                                + " must lie in (0, period " + std::to_string(p.period)
                                                + ") in precision units");
            }
            if (p.phase == 0) requireWritable(s);
            break;
        }
        case Op::ClockStop: p.sig = sigId(r, "clock stop"); break;
        case Op::Watch:
            p.sig = sigId(r, "watch");
            plain(p.sig);
            break;
        case Op::Unwatch: p.sig = sigId(r, "unwatch"); break;
        case Op::AgentOpen:
            p.id = r.get<uint32_t>();
            if (sim_.hasAgent(p.id) || std::count(newAgents.begin(), newAgents.end(), p.id)) {
                throw WireError(Err::BadOp, "agent " + std::to_string(p.id) + " is already open");
            }
            p.agent = makeAgent(p.id, r, sim_.table());
            newAgents.push_back(p.id);
            break;
        case Op::AgentClose:
        case Op::AgentPush: {
            p.id = r.get<uint32_t>();
            if (!sim_.hasAgent(p.id) && !std::count(newAgents.begin(), newAgents.end(), p.id)) {
                throw WireError(Err::BadOp, "agent " + std::to_string(p.id) + " is not open");
            }
            if (p.op == Op::AgentPush) {
                const uint32_t n = r.get<uint32_t>();
                const uint8_t* b = r.bytes(n, "transaction");
                p.payload.assign(b, b + n);
            }
            break;
        }
        default:
            throw WireError(Err::BadOp, "unknown op code " + std::to_string(static_cast<int>(p.op)));
        }
        return p;
    }

    Trigger parseTrigger(Reader& r, uint32_t id, std::vector<uint32_t>& newIds) {
        if (sim_.armed(id) || std::find(newIds.begin(), newIds.end(), id) != newIds.end()) {
            throw WireError(Err::BadTrigger, "trigger id " + std::to_string(id) + " is already armed");
        }
        newIds.push_back(id);
        Trigger t{static_cast<TrigKind>(r.get<uint8_t>())};
        auto edge = [&] {
            const uint8_t e = r.get<uint8_t>();
            if (e > 2) throw WireError(Err::BadTrigger, "edge kind " + std::to_string(e) + " is not 0..2");
            return static_cast<EdgeKind>(e);
        };
        switch (t.kind) {
        case TrigKind::Timer:
        case TrigKind::Limit: {
            const uint64_t d = r.get<uint64_t>();
            if (d == 0) throw WireError(Err::BadTrigger, "Timer of 0: use ReadWrite or NextTimeStep");
            t.count = sim_.now() + d;
            break;
        }
        case TrigKind::Rising:
        case TrigKind::Falling:
        case TrigKind::Edge: {
            t.sig = sigId(r, "edge");
            const Signal& s = plain(t.sig);
            if (t.kind != TrigKind::Edge && s.width != 1) {
                throw WireError(Err::BadTrigger, "Rising/FallingEdge needs a 1-bit signal; " + s.name
                                                     + " is " + std::to_string(s.width) + " bits: use Edge");
            }
            break;
        }
        case TrigKind::Cycles:
            t.sig = sigId(r, "cycles");
            plain(t.sig);
            t.edge = edge();
            t.count = r.get<uint64_t>();
            if (t.count == 0) throw WireError(Err::BadTrigger, "ClockCycles of 0");
            break;
        case TrigKind::ReadOnly:
        case TrigKind::ReadWrite:
        case TrigKind::NextTimeStep: break;
        case TrigKind::Agent:
            t.sig = r.get<uint32_t>();
            t.count = r.get<uint64_t>();
            break;
        case TrigKind::Until: {
            t.sig = sigId(r, "until clock");
            plain(t.sig);
            t.edge = edge();
            t.condSig = sigId(r, "until");
            const Signal& s = plain(t.condSig);
            t.notEqual = r.get<uint8_t>() != 0;
            t.mask = value(r, s);
            t.value = value(r, s);
            for (size_t i = 0; i < t.mask.size(); ++i) t.value[i] &= t.mask[i];
            break;
        }
        default:
            throw WireError(Err::BadTrigger, "unknown trigger kind " + std::to_string(static_cast<int>(t.kind)));
        }
        return t;
    }

    void step(Reader& r, uint8_t flags) {
        const uint32_t n = r.get<uint32_t>();
        std::vector<Parsed> ops;
        std::vector<uint32_t> newIds, newAgents;
        for (uint32_t i = 0; i < n; ++i) {
            try {
                ops.push_back(parseOp(r, newIds, newAgents));
            } catch (const WireError& e) {
                throw WireError(e.code, "op " + std::to_string(i) + ": " + e.what());
            }
        }
        if (r.left()) throw WireError(Err::BadMessage, std::to_string(r.left()) + " stray bytes after the ops");
        // Validated as a whole: a bad op leaves the simulation untouched. An op may fire a
        // trigger itself (closing an agent fires its AGENT triggers): run() then stops at once.
        sim_.clearFired();
        for (Parsed& p : ops) {
            switch (p.op) {
            case Op::Write: sim_.write(p.sig, p.v.data()); break;
            case Op::Force: sim_.force(p.sig, p.v.data()); break;
            case Op::Release: sim_.release(p.sig); break;
            case Op::Arm: sim_.arm(p.id, std::move(p.trig)); break;
            case Op::Cancel: sim_.cancel(p.id); break;
            case Op::Clock: sim_.clock(p.sig, p.period, p.high, p.phase, p.startHigh); break;
            case Op::ClockStop: sim_.stopClock(p.sig); break;
            case Op::Watch: sim_.watch(p.sig); break;
            case Op::Unwatch: sim_.unwatch(p.sig); break;
            case Op::AgentOpen: sim_.openAgent(std::move(p.agent)); break;
            case Op::AgentClose: sim_.closeAgent(p.id); break;
            case Op::AgentPush: {
                // Checked when applied: a malformed transaction is refused after the ops
                // before it took effect (the bridge encodes them; only fuzzing sends bad ones).
                Reader pr(p.payload.data(), p.payload.size());
                sim_.pushAgent(p.id, pr);
                break;
            }
            }
        }
        Status st = Status::Paused;
        const auto t0 = std::chrono::steady_clock::now();
        if (flags & kStepRun) st = sim_.run([this] { heartbeatIfDue(); });
        runNs_ = static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
        event(st);
        sim_.clearFired();
    }

    void event(Status st) {
        sim_.flushAgents();  // agent data reaches the bridge before the reply that resumes it
        header(Msg::Event);
        out_.put<uint64_t>(sim_.now());
        out_.put<uint8_t>(static_cast<uint8_t>(st));
        out_.put<uint8_t>(static_cast<uint8_t>(sim_.phase()));
        out_.put<uint16_t>(0);
        out_.put<uint64_t>(sim_.evals());
        out_.put<uint64_t>(runNs_);
        const auto& f = sim_.fired();
        out_.put<uint32_t>(static_cast<uint32_t>(f.size()));
        out_.bytes(f.data(), 4 * f.size());
        const auto& snap = sim_.snapshotSignals();
        out_.put<uint32_t>(static_cast<uint32_t>(snap.size()));
        uint32_t words = 0;
        for (uint32_t id : snap) words += sim_.table()[id].words();
        out_.put<uint32_t>(words);
        auto* w = reinterpret_cast<uint32_t*>(out_.grow(4 * words));
        for (uint32_t id : snap) {
            const Signal& s = sim_.table()[id];
            uint32_t tmp[1];
            if (s.words() == 1) {  // out_ may be unaligned: go through a local
                s.read(tmp);
                std::memcpy(w, tmp, 4);
            } else {
                std::vector<uint32_t> big(s.words());
                s.read(big.data());
                std::memcpy(w, big.data(), 4 * big.size());
            }
            w += s.words();
        }
        runNs_ = 0;
    }

    const Signal& memory(Reader& r, uint32_t& offset, uint32_t& count) {
        const uint32_t id = sigId(r, "memory");
        const Signal& s = sim_.table()[id];
        if (!(s.flags & kMemory)) throw WireError(Err::NotMemory, s.name + " is not a memory (unpacked array)");
        offset = r.get<uint32_t>();
        count = r.get<uint32_t>();
        if (static_cast<uint64_t>(offset) + count > s.depth) {
            throw WireError(Err::OutOfRange, s.name + ": elements [" + std::to_string(offset) + ", "
                                                 + std::to_string(static_cast<uint64_t>(offset) + count)
                                                 + ") outside its " + std::to_string(s.depth) + " elements");
        }
        return s;
    }

    void memRead(Reader& r) {
        uint32_t offset, count;
        const Signal& s = memory(r, offset, count);
        noStrayBytes(r, "MEM_READ");
        header(Msg::MemData);
        out_.put<uint32_t>(s.stride);
        out_.bytes(static_cast<const uint8_t*>(s.data) + static_cast<size_t>(offset) * s.stride,
                   static_cast<size_t>(count) * s.stride);
    }

    void memWrite(Reader& r) {
        uint32_t offset, count;
        const Signal& s = memory(r, offset, count);
        if (!(s.flags & kWritable)) throw WireError(Err::NotWritable, s.name + " is not public_flat_rw");
        const size_t n = static_cast<size_t>(count) * s.stride;
        const uint8_t* b = r.bytes(n, "memory data");
        if (r.left()) throw WireError(Err::BadMessage, "memory write: " + std::to_string(r.left()) + " stray bytes");
        if (s.width % 8 != 0) {
            // Bits above the element width must stay zero: Verilator's operators rely on it.
            std::vector<uint32_t> v(s.words());
            for (uint32_t i = 0; i < count; ++i) {
                std::memset(v.data(), 0, 4 * v.size());
                std::memcpy(v.data(), b + static_cast<size_t>(i) * s.stride, s.stride);
                if (s.overflows(v.data())) {
                    throw WireError(Err::WidthOverflow, s.name + "[" + std::to_string(offset + i)
                                                            + "] does not fit in " + std::to_string(s.width) + " bits");
                }
            }
        }
        std::memcpy(static_cast<uint8_t*>(s.data) + static_cast<size_t>(offset) * s.stride, b, n);
        header(Msg::Ok);
    }

    Sim& sim_;
    Link& link_;
    const WaveDir& waves_;
    std::optional<Incoming> nextClient_;  // the HELLO that ended a session with a client gone
    long peerTimeoutMs_;
    Writer out_;
    uint32_t seq_ = 0;
    uint64_t runNs_ = 0;
    std::chrono::steady_clock::time_point lastSent_ = std::chrono::steady_clock::now();
};

int usage() {
    std::fprintf(stderr,
                 "usage: harness (--connect EP | --bind EP [--once] (--key FILE --allow FILE | --insecure)) "
                 "[--waves-dir DIR] [--die-with-parent] [--peer-timeout-ms N] [+plusarg...]\n");
    return 2;
}

/// Serves sessions one after another, each on a fresh model, until the harness is stopped; with
/// `once`, only the first (exit code 3 when it ended in silence). Returns the exit code.
int serve(Sim& sim, Harness& h, bool once) {
    for (;;) {
        Incoming first;
        if (!h.awaitClient(first)) return 0;
        const SessionEnd why = h.session(first);
        if (once) return why == SessionEnd::Silent ? 3 : 0;
        sim.restart();
    }
}

}  // namespace
}  // namespace cb

int main(int argc, char** argv) {
    using namespace cb;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::string endpoint, wavesDir;
    Access access;
    bool bind = false;
    bool once = false;
    long peerTimeoutMs = -1;
    std::vector<char*> simArgs{argv[0]};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool value = i + 1 < argc;
        if ((a == "--connect" || a == "--bind") && value) {
            bind = a == "--bind";
            endpoint = argv[++i];
        } else if (a == "--once") {
            once = true;
        } else if (a == "--die-with-parent") {
            prctl(PR_SET_PDEATHSIG, SIGTERM);
        } else if (a == "--peer-timeout-ms" && value) {
            peerTimeoutMs = std::stol(argv[++i]);
        } else if (a == "--waves-dir" && value) {
            wavesDir = argv[++i];
        } else if (a == "--key" && value) {
            access.keyFile = argv[++i];
        } else if (a == "--allow" && value) {
            access.allowFile = argv[++i];
        } else if (a == "--insecure") {
            access.insecure = true;
        } else if (a[0] == '+') {
            simArgs.push_back(argv[i]);
        } else {
            std::fprintf(stderr, "harness: unknown argument '%s'\n", argv[i]);
            return usage();
        }
    }
    if (endpoint.empty()) return usage();
    if (!bind && (access.insecure || !access.keyFile.empty() || !access.allowFile.empty())) {
        std::fprintf(stderr, "harness: --key, --allow and --insecure are for --bind: a --connect harness talks to the bridge that spawned it\n");
        return usage();
    }
    if (peerTimeoutMs < 0) peerTimeoutMs = bind ? 10000 : 0;
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    // One I/O thread: the Gate relies on libzmq reporting each connection's events in order.
    zmq::context_t zctx(1);
    std::unique_ptr<Gate> gate;  // outlives the link, whose handshakes it answers
    Link link(zctx, bind, peerTimeoutMs);
    try {
        if (bind) {
            const std::string how = bindSecured(zctx, link, endpoint, access, gate);
            std::fprintf(stderr, "harness: top %s listening on %s; %s; %s\n", kTopName, how.c_str(),
                         wavesDir.empty() ? "no waveforms (no --waves-dir)" : ("waveforms under " + wavesDir).c_str(),
                         once ? "for one session" : "serves one session after another until stopped");
        } else {
            link.connect(endpoint);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "harness: cannot %s %s: %s\n", bind ? "serve" : "connect", endpoint.c_str(), e.what());
        return 2;
    }

    int rc = 0;
    try {
        const WaveDir waves(wavesDir);
        Sim sim(static_cast<int>(simArgs.size()), simArgs.data());
        Harness h(sim, link, waves, peerTimeoutMs);
        // The bridge that spawned the harness is its only client: it serves that one session.
        rc = serve(sim, h, once || !bind);
    } catch (const Shutdown&) {
        rc = 0;
    } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) {
            std::fprintf(stderr, "harness: zeromq: %s\n", e.what());
            rc = 2;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "harness: %s\n", e.what());
        rc = 2;
    }
    std::fflush(stdout);
    return rc;
}
