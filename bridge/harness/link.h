// The harness's end of the ZeroMQ connection, and who is on the other end of it. Spawned by the
// bridge (--connect), the harness has one peer on a DEALER socket: the bridge that started it.
// Started by hand (--bind), it is a ROUTER serving one client at a time, so a reply can only
// ever reach the client that asked: a session starts with a client's HELLO and ends with its
// QUIT, its silence or its going away, and meanwhile every other client is refused.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <zmq.hpp>

namespace cb {

/// The largest message a --bind harness accepts (PROTOCOL.md, Access): far above any memory a
/// test writes in one MEM_WRITE, and a bound on what a peer can make the harness allocate.
constexpr int64_t kMaxMessageBytes = int64_t{256} << 20;

/// The session's client went away: a message to it could not be routed any more.
struct ClientGone {};

/// One message and who sent it.
struct Incoming {
    zmq::message_t from;  // the sender's routing id (ROUTER only)
    zmq::message_t body;
    /// The sender's address as ZeroMQ saw it (e.g. 10.0.0.7), for the log; empty when unknown.
    std::string address();
    /// The name the access control gave the sender (its allow-list entry); empty without CURVE.
    std::string user();
};

class Link {
public:
    /// `routed`: a ROUTER serving clients in turn (--bind); otherwise a DEALER with one peer.
    /// `peerTimeoutMs` > 0 also has ZeroMQ ping a routed client, so one whose machine or network
    /// died, without closing its connection, is noticed as gone.
    Link(zmq::context_t& ctx, bool routed, long peerTimeoutMs);

    /// Serves with CURVE (PROTOCOL.md, Access): before bind(), and after the Gate is bound.
    void curveServer(const uint8_t secret[32]);
    /// Reports connections and handshake failures to a PAIR socket at `endpoint` (inproc).
    void monitor(const std::string& endpoint);

    void bind(const std::string& endpoint) { sock_.bind(endpoint); }
    /// The endpoint as bound, its address resolved (tcp://127.0.0.1:5555).
    std::string boundEndpoint() { return sock_.get(zmq::sockopt::last_endpoint); }
    void connect(const std::string& endpoint) { sock_.connect(endpoint); }
    bool routed() const { return routed_; }

    /// Waits up to `timeout` for a message; false when none came.
    bool recv(Incoming& in, std::chrono::milliseconds timeout);

    /// Makes the sender of `in` the session's client, until end().
    void begin(const Incoming& in);
    void end() { serving_ = false; }
    bool serving() const { return serving_; }
    /// Whether `in` comes from the session's client (a DEALER's one peer always does).
    bool fromClient(const Incoming& in) const;

    /// Sends to the session's client; throws ClientGone when it has gone. `mayDrop`: a message
    /// that can be lost (a heartbeat) is dropped rather than waited for when the client does
    /// not read.
    void send(const void* data, size_t size, bool mayDrop = false);
    /// Sends to the sender of `in`, who is not the client (a refusal); dropped if it has gone.
    void answer(const Incoming& in, const void* data, size_t size);

private:
    zmq::socket_t sock_;
    bool routed_;
    bool serving_ = false;
    std::string client_;  // the session's client's routing id
};

}  // namespace cb
