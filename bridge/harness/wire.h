// Bounds-checked little-endian reader/writer for the bridge protocol (bridge/PROTOCOL.md).
// A short or malformed message throws WireError, which the dispatcher turns into an ERROR reply:
// no input from the peer may crash the harness.
#pragma once
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace cb {

/// The wire protocol, mirrored in bridge/src/protocol.ts (tb/bridge/wire-enums.test.ts checks both agree).
constexpr uint16_t kProtocolVersion = 3;

/// Message types.
enum class Msg : uint8_t {
    Hello = 0x01, Ping = 0x02, Step = 0x03, MemRead = 0x05, MemWrite = 0x06, Restart = 0x07,
    Trace = 0x08, Quit = 0x09, Heartbeat = 0x0A, Credit = 0x0B,
    HelloOk = 0x81, Pong = 0x82, Event = 0x83, MemData = 0x85, Ok = 0x86, Bye = 0x89,
    HarnessHeartbeat = 0x8A, AgentData = 0x8B, Error = 0xFF,
};
enum class Op : uint8_t {
    Write = 1, Force = 2, Release = 3, Arm = 4, Cancel = 5, Clock = 6, ClockStop = 7,
    Watch = 8, Unwatch = 9, AgentOpen = 10, AgentClose = 11, AgentPush = 12,
};
/// STEP flag: run time until a trigger fires.
constexpr uint8_t kStepRun = 1;

/// Error codes carried by an ERROR reply; mirrored in bridge/src/protocol.ts.
enum class Err : uint16_t {
    BadMessage = 1,
    UnknownType = 2,
    UnknownSignal = 3,
    WidthOverflow = 4,
    BadVersion = 5,
    NotWritable = 6,
    NotForceable = 7,
    WriteInReadOnly = 8,
    BadTrigger = 9,
    NotMemory = 10,
    OutOfRange = 11,
    Trace = 12,
    Ended = 13,
    BadOp = 14,
    NoSession = 15,
};

/// A request the harness refuses; the message names the offending thing.
struct WireError : std::runtime_error {
    Err code;
    WireError(Err c, const std::string& what) : std::runtime_error(what), code(c) {}
};

class Reader {
public:
    Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
    size_t left() const { return n_ - pos_; }
    size_t pos() const { return pos_; }
    template <class T> T get() {
        need(sizeof(T), "field");
        T v;
        std::memcpy(&v, p_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    const uint8_t* bytes(size_t n, const char* what) {
        need(n, what);
        const uint8_t* r = p_ + pos_;
        pos_ += n;
        return r;
    }
    std::string str(size_t n) {
        const uint8_t* b = bytes(n, "string");
        return std::string(reinterpret_cast<const char*>(b), n);
    }

private:
    void need(size_t n, const char* what) {
        if (n > left()) {
            throw WireError(Err::BadMessage, std::string("message truncated while reading ") + what
                                                 + " at byte " + std::to_string(pos_));
        }
    }
    const uint8_t* p_;
    size_t n_;
    size_t pos_ = 0;
};

class Writer {
public:
    void clear() { buf_.clear(); }
    template <class T> void put(T v) {
        const size_t at = buf_.size();
        buf_.resize(at + sizeof(T));
        std::memcpy(buf_.data() + at, &v, sizeof(T));
    }
    void bytes(const void* p, size_t n) {
        const size_t at = buf_.size();
        buf_.resize(at + n);
        if (n) std::memcpy(buf_.data() + at, p, n);
    }
    /// Reserves n bytes and returns where to fill them (valid until the next put).
    uint8_t* grow(size_t n) {
        const size_t at = buf_.size();
        buf_.resize(at + n);
        return buf_.data() + at;
    }
    void patch32(size_t at, uint32_t v) { std::memcpy(buf_.data() + at, &v, 4); }
    size_t size() const { return buf_.size(); }
    const uint8_t* data() const { return buf_.data(); }

private:
    std::vector<uint8_t> buf_;
};

}  // namespace cb
