#include "link.h"

#include <cerrno>

namespace cb {

std::string Incoming::address() {
    try {
        return body.gets("Peer-Address");
    } catch (const zmq::error_t&) {
        return "";  // not a TCP peer
    }
}

std::string Incoming::user() {
    try {
        return body.gets("User-Id");
    } catch (const zmq::error_t&) {
        return "";
    }
}

Link::Link(zmq::context_t& ctx, bool routed, long peerTimeoutMs)
    : sock_(ctx, routed ? zmq::socket_type::router : zmq::socket_type::dealer), routed_(routed) {
    sock_.set(zmq::sockopt::linger, 0);
    if (routed) {
        // A message to a client that has gone fails instead of vanishing: that is how a session
        // learns, even mid-STEP, that there is nobody left to run it for.
        sock_.set(zmq::sockopt::router_mandatory, true);
        // Bounds what any peer, before or after its handshake, can make the harness allocate.
        sock_.set(zmq::sockopt::maxmsgsize, kMaxMessageBytes);
        if (peerTimeoutMs > 0) {
            sock_.set(zmq::sockopt::heartbeat_ivl, 1000);
            sock_.set(zmq::sockopt::heartbeat_timeout, static_cast<int>(peerTimeoutMs));
        }
    }
}

void Link::curveServer(const uint8_t secret[32]) {
    sock_.set(zmq::sockopt::curve_server, true);
    sock_.set(zmq::sockopt::curve_secretkey, zmq::const_buffer(secret, 32));
    sock_.set(zmq::sockopt::zap_domain, "cellbench");
}

void Link::monitor(const std::string& endpoint) {
    const int events = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                       | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
    if (zmq_socket_monitor(static_cast<void*>(sock_), endpoint.c_str(), events) != 0) throw zmq::error_t();
}

bool Link::recv(Incoming& in, std::chrono::milliseconds timeout) {
    zmq::pollitem_t items[] = {{static_cast<void*>(sock_), 0, ZMQ_POLLIN, 0}};
    if (zmq::poll(items, 1, timeout) == 0) return false;
    if (routed_ && !sock_.recv(in.from, zmq::recv_flags::dontwait)) return false;
    if (!sock_.recv(in.body, zmq::recv_flags::dontwait)) return false;
    // One frame per message (PROTOCOL.md): further frames of a multipart message are dropped.
    zmq::message_t extra;
    while (sock_.get(zmq::sockopt::rcvmore)) (void)sock_.recv(extra, zmq::recv_flags::dontwait);
    return true;
}

void Link::begin(const Incoming& in) {
    serving_ = true;
    if (routed_) client_.assign(static_cast<const char*>(in.from.data()), in.from.size());
}

bool Link::fromClient(const Incoming& in) const {
    if (!routed_) return true;
    return serving_ && in.from.size() == client_.size()
           && client_.compare(0, client_.size(), static_cast<const char*>(in.from.data()), in.from.size()) == 0;
}

void Link::send(const void* data, size_t size, bool mayDrop) {
    const auto flags = mayDrop ? zmq::send_flags::dontwait : zmq::send_flags::none;
    try {
        if (routed_) {
            if (!sock_.send(zmq::const_buffer(client_.data(), client_.size()), flags | zmq::send_flags::sndmore)) return;
        }
        (void)sock_.send(zmq::const_buffer(data, size), flags);
    } catch (const zmq::error_t& e) {
        if (e.num() == EHOSTUNREACH) throw ClientGone{};
        throw;
    }
}

void Link::answer(const Incoming& in, const void* data, size_t size) {
    if (!routed_) return;
    try {
        if (sock_.send(zmq::const_buffer(in.from.data(), in.from.size()), zmq::send_flags::dontwait | zmq::send_flags::sndmore)) {
            (void)sock_.send(zmq::const_buffer(data, size), zmq::send_flags::dontwait);
        }
    } catch (const zmq::error_t&) {
        // The refused sender has gone too: nobody to tell.
    }
}

}  // namespace cb
