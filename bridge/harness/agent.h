// Harness-side agents: per-cycle jobs bound to a clock edge that run inside the harness so a
// test pays no round trip per cycle (sampled streams, bus transactors: SCE-MI-style pipes).
// At an edge of a harness clock, an agent first samples what the flops are about to take (the
// values before the edge), then, once the edge is evaluated, drives the next values.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "dut_signal.h"
#include "wire.h"

namespace cb {

class Sim;
enum class EdgeKind : uint8_t;

/// What an agent may ask of the harness while it runs.
struct AgentHost {
    virtual ~AgentHost() = default;
    /// Sends `w` to the bridge as an AGENT_DATA message, now (mid-run).
    virtual void emit(const Writer& w) = 0;
    /// Blocks until the bridge returns a credit for `agent` (sending heartbeats meanwhile).
    virtual void waitCredit(uint32_t agent) = 0;
};

class Agent {
public:
    Agent(uint32_t id, uint32_t clock, bool rising) : id_(id), clock_(clock), rising_(rising) {}
    virtual ~Agent() = default;
    uint32_t id() const { return id_; }
    uint32_t clock() const { return clock_; }
    bool rising() const { return rising_; }

    /// At the edge, before it is applied: the values the design's flops will take.
    virtual void sample(Sim& sim, AgentHost& host) = 0;
    /// After the edge is evaluated: the values for the next cycle.
    virtual void drive(Sim&) {}
    /// At a synchronisation point (before each reply) and when closed: ship what is buffered.
    virtual void flush(AgentHost&, bool /*last*/) {}
    /// Queues one transaction (AGENT_PUSH payload); throws WireError when malformed.
    virtual void push(Reader& r) {
        (void)r;
        throw WireError(Err::BadOp, "this agent takes no transactions");
    }
    /// Transactions completed so far (what an AGENT trigger counts).
    uint64_t completed() const { return completed_; }
    void addCredits(uint32_t n) { credits_ += n; }
    /// Counts an edge of the agent's clock (before `sample`): items carry the edge they completed on.
    void countEdge() { ++edges_; }

protected:
    /// Starts an AGENT_DATA message for this agent: {type, 0, 0, seq 0, u32 agent, u8 last,
    /// u8 credited, u16 0}.
    void begin(Writer& w, bool last, bool credited = false) const;
    /// Sends a message begun with `credited`: a full chunk mid-run waits for a credit first, so
    /// credits bound the messages in flight; anything else (a flush before a reply) goes at once.
    void ship(AgentHost& host, const Writer& w, bool credited);
    /// Edges of the agent's clock since it opened; the first is 1.
    uint64_t edges() const { return edges_; }
    /// Every item an agent ships carries when it completed: u64 time (precision units), u64 edge.
    static void stamp(Writer& w, uint64_t time, uint64_t edge) {
        w.put<uint64_t>(time);
        w.put<uint64_t>(edge);
    }

    uint64_t completed_ = 0;
    uint32_t credits_ = 0;

private:
    uint32_t id_, clock_;
    bool rising_;
    uint64_t edges_ = 0;
};

/// Reads signal `sig` into `out` (words), through the signal table.
void readSignal(const Sim& sim, uint32_t sig, uint32_t* out);
/// Writes a value of up to 64 bits to `sig` as a deposit (masked to its width).
void writeSignal(Sim& sim, uint32_t sig, uint64_t v);
/// Reads a signal of up to 64 bits.
uint64_t readU64(const Sim& sim, uint32_t sig);

/// Builds an agent from its AGENT_OPEN op body; throws WireError naming what is wrong.
std::unique_ptr<Agent> makeAgent(uint32_t id, Reader& r, const std::vector<Signal>& table);

/// Reads a signal id that must be in the table (or ~0 for an optional signal that is absent).
uint32_t signalId(Reader& r, const std::vector<Signal>& table, const char* role, bool optional = false,
                  bool wide = false);

enum class AgentKind : uint8_t { Stream = 1, AxisSource = 2, AxisSink = 3, ApbMaster = 4, SerialSource = 5, SerialSink = 6 };
/// Which edges a stream records (its AGENT_OPEN body).
enum class Qualifier : uint8_t { Always = 0, AllOf = 1, OnChange = 2 };
std::unique_ptr<Agent> makeStream(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& table);
std::unique_ptr<Agent> makeAxisSource(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& table);
std::unique_ptr<Agent> makeAxisSink(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& table);
std::unique_ptr<Agent> makeSerialSource(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& table);
std::unique_ptr<Agent> makeSerialSink(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& table);
std::unique_ptr<Agent> makeApbMaster(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& table);

constexpr uint32_t kAbsent = ~0u;

/// A 32-bit xorshift generator: throttling patterns are seeded and replayable.
struct Rng {
    uint32_t s;
    explicit Rng(uint32_t seed) : s(seed ? seed : 0x9e3779b9u) {}
    uint32_t next() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return s;
    }
};

/// Valid/ready throttling: on with probability `p/65536`, or an explicit on/off pattern.
class Throttle {
public:
    void parse(Reader& r);
    bool next();

private:
    Rng rng_{1};
    uint32_t p_ = 65536;
    std::vector<uint8_t> pattern_;
    size_t at_ = 0;
};

}  // namespace cb
