#include "gate.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace cb {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

std::string trim(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

/// Whether `z` is a Z85 CURVE key (40 characters that decode to 32 bytes).
bool isKey(const std::string& z) {
    uint8_t bin[32];
    return z.size() == 40 && zmq_z85_decode(bin, z.c_str()) != nullptr;
}

/// Why `path` cannot be trusted with `forbidden` mode bits set (empty when it can).
std::string unsafeMode(const std::string& path, mode_t forbidden, const char* fix) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "";
    if (st.st_uid != ::geteuid()) return path + " belongs to another user: it must be yours";
    if (st.st_mode & forbidden) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
        return path + " has mode " + mode + ": " + fix;
    }
    return "";
}

std::string parentOf(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// The frames of one multipart message.
std::vector<std::string> recvAll(zmq::socket_t& s) {
    std::vector<std::string> frames;
    do {
        zmq::message_t m;
        if (!s.recv(m, zmq::recv_flags::dontwait)) break;
        frames.emplace_back(static_cast<const char*>(m.data()), m.size());
    } while (s.get(zmq::sockopt::rcvmore));
    return frames;
}

std::string peerOf(int fd) {
    sockaddr_storage a {};
    socklen_t n = sizeof a;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &n) != 0) return "";
    char host[INET6_ADDRSTRLEN] = "";
    if (a.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
        ::inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
    }
    if (a.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
        return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
    }
    return "a local peer";  // ipc
}

// libzmq 4.3's monitor names a new connection's descriptor but not its peer (the v2 events that
// do are a draft API, which Debian's libzmq leaves out), and a handshake can fail and close the
// descriptor before the Gate's thread reads the event. So the harness defines accept4() itself:
// libzmq's listener calls it (the executable's definition comes first), and it notes each
// accepted connection's peer, in accept order per descriptor, before libzmq has even seen it.
std::atomic<bool> g_noting{false};
std::mutex g_acceptedMutex;
std::unordered_map<int, std::deque<std::string>> g_accepted;

/// The peer noted for the connection libzmq reports as ACCEPTED on `fd` (the earliest not yet taken).
std::string takeAccepted(int fd) {
    const std::lock_guard<std::mutex> lock(g_acceptedMutex);
    auto it = g_accepted.find(fd);
    if (it == g_accepted.end() || it->second.empty()) return "";
    std::string peer = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) g_accepted.erase(it);
    return peer;
}

/// What a ZMTP handshake failure code means for the person reading the harness's log.
std::string describeProtocolError(uint32_t code) {
    switch (code) {
    case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
        return "it does not use CURVE (a client without keys: on its machine set SIM_SERVER_KEY to this harness's "
               "public key, and SIM_CLIENT_KEY to its key pair)";
    case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
        return "its CURVE handshake does not decrypt: it names another server key (its SIM_SERVER_KEY must be this "
               "harness's public key)";
    default: {
        char b[64];
        std::snprintf(b, sizeof b, "ZMTP handshake error 0x%08x", code);
        return b;
    }
    }
}

}  // namespace
}  // namespace cb

extern "C" int accept4(int listener, sockaddr* addr, socklen_t* len, int flags) {
    const int fd = static_cast<int>(::syscall(SYS_accept4, listener, addr, len, flags));
    if (fd >= 0 && cb::g_noting) {
        std::string peer = cb::peerOf(fd);
        const std::lock_guard<std::mutex> lock(cb::g_acceptedMutex);
        auto& q = cb::g_accepted[fd];
        if (q.size() >= 8) q.pop_front();  // never taken: an accept libzmq gave up on at once
        q.push_back(std::move(peer));
    }
    return fd;
}

namespace cb {

ServerKey loadServerKey(const std::string& path) {
    const std::string mode = unsafeMode(path, 077, "others may read the secret key; run chmod 600 on it");
    if (!mode.empty()) throw std::runtime_error("server key file " + mode);
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read the server key file " + path + ": " + std::strerror(errno)
                                 + " (create it with: npx tsx bridge/src/cli/keys.ts server --key " + path + ")");
    }
    std::string pub, sec, line;
    while (std::getline(in, line)) {
        const size_t eq = line.find('=');
        if (trim(line).empty() || trim(line)[0] == '#' || eq == std::string::npos) continue;
        const std::string name = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        if (name == "public-key") pub = value;
        if (name == "secret-key") sec = value;
    }
    ServerKey k {};
    char derived[41] = "";
    if (!isKey(sec) || !isKey(pub) || zmq_curve_public(derived, sec.c_str()) != 0 || pub != derived) {
        throw std::runtime_error("server key file " + path + " holds no valid key pair (lines 'public-key = <Z85>' and "
                                 "'secret-key = <Z85>' that match): write a new one with npx tsx bridge/src/cli/keys.ts "
                                 "server --key " + path + " --new");
    }
    zmq_z85_decode(k.secret, sec.c_str());
    k.publicZ85 = pub;
    return k;
}

Gate::Gate(zmq::context_t& ctx, std::string allowFile)
    : zap_(ctx, zmq::socket_type::rep), monitor_(ctx, zmq::socket_type::pair), allowFile_(std::move(allowFile)) {
    zap_.set(zmq::sockopt::linger, 0);
    monitor_.set(zmq::sockopt::linger, 0);
    zap_.bind(kZapEndpoint);
}

Gate::~Gate() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

void Gate::start(const std::string& monitorEp) {
    g_noting = true;
    monitor_.connect(monitorEp);
    // The sockets move to the thread here, and no other thread touches them again.
    thread_ = std::thread([this] { run(); });
}

void Gate::run() {
    zmq::pollitem_t items[] = {{static_cast<void*>(zap_), 0, ZMQ_POLLIN, 0},
                               {static_cast<void*>(monitor_), 0, ZMQ_POLLIN, 0}};
    while (!stop_) {
        try {
            if (zmq::poll(items, 2, std::chrono::milliseconds(100)) == 0) continue;
            if (items[0].revents & ZMQ_POLLIN) answerZap();
            if (items[1].revents & ZMQ_POLLIN) monitorEvent();
        } catch (const zmq::error_t& e) {
            if (e.num() == ETERM) return;
            std::fprintf(stderr, "harness: access control: %s\n", e.what());
        }
    }
}

std::unordered_map<std::string, std::string> Gate::allowed(std::string& problem) const {
    std::unordered_map<std::string, std::string> keys;
    // Whoever may write the list may let anyone in: only its owner may.
    problem = unsafeMode(allowFile_, 022, "others may add keys to it; run chmod 600 on it");
    if (problem.empty()) problem = unsafeMode(parentOf(allowFile_), 022, "others may replace the allow-list in it; run chmod 700 on it");
    if (!problem.empty()) return keys;
    std::ifstream in(allowFile_);
    if (!in) {
        problem = "the allow-list " + allowFile_ + " cannot be read (" + std::strerror(errno) + ")";
        return keys;
    }
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        line = trim(line);
        // Z85 has '#', but never first: a group's leading digit is at most 82 ('%'), and '#' is 84.
        if (line.empty() || line[0] == '#') continue;
        const size_t end = line.find_first_of(" \t");
        const std::string key = line.substr(0, end);
        if (!isKey(key)) {
            std::fprintf(stderr, "harness: %s line %d is not a Z85 public key (40 characters), ignored\n", allowFile_.c_str(), n);
            continue;
        }
        keys[key] = end == std::string::npos ? "" : trim(line.substr(end));
    }
    return keys;
}

void Gate::answerZap() {
    const std::vector<std::string> req = recvAll(zap_);
    // RFC 27: version, request id, domain, address, routing id, mechanism, credentials.
    const std::string id = req.size() > 1 ? req[1] : "";
    const std::string address = req.size() > 3 ? req[3] : "?";
    std::string status = "400", text = "client key not allowed", user;
    if (req.size() < 7 || req[0] != "1.0" || req[5] != "CURVE" || req[6].size() != 32) {
        std::fprintf(stderr, "harness: refused %s: not a CURVE handshake\n", address.c_str());
    } else {
        char key[41];
        zmq_z85_encode(key, reinterpret_cast<const uint8_t*>(req[6].data()), 32);
        std::string problem;
        const auto keys = allowed(problem);
        const auto it = keys.find(key);
        if (!problem.empty()) {
            status = "500";
            text = "allow-list unusable";
            std::fprintf(stderr, "harness: refused %s (client key %s): %s\n", address.c_str(), key, problem.c_str());
        } else if (it == keys.end()) {
            std::fprintf(stderr,
                         "harness: refused %s: client key %s is not in the allow-list %s; to let it in, add it there "
                         "(npx tsx bridge/src/cli/keys.ts allow '%s' --allow %s): no restart needed\n",
                         address.c_str(), key, allowFile_.c_str(), key, allowFile_.c_str());
        } else {
            status = "200";
            text = "OK";
            user = it->second.empty() ? std::string(key) : it->second;
            std::fprintf(stderr, "harness: admitted %s: client key %s%s%s\n", address.c_str(), key,
                         it->second.empty() ? "" : " ", it->second.c_str());
        }
    }
    const std::string reply[] = {"1.0", id, status, text, user, ""};
    for (size_t i = 0; i < 6; ++i) {
        zap_.send(zmq::buffer(reply[i]), i < 5 ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
}

void Gate::monitorEvent() {
    const std::vector<std::string> ev = recvAll(monitor_);
    if (ev.empty() || ev[0].size() < 6) return;
    uint16_t event;
    uint32_t value;
    std::memcpy(&event, ev[0].data(), 2);
    std::memcpy(&value, ev[0].data() + 2, 4);
    switch (event) {
    case ZMQ_EVENT_ACCEPTED: peers_[static_cast<int>(value)] = takeAccepted(static_cast<int>(value)); break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: failure_ = describeProtocolError(value); break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        // A client without CURVE often notices the mismatch first and hangs up: this is all we see.
        failure_ = std::string("the handshake broke off (") + std::strerror(static_cast<int>(value))
                   + "): a client without CURVE keys gives up so (on its machine set SIM_SERVER_KEY to this "
                     "harness's public key, and SIM_CLIENT_KEY to its key pair), or one that went away";
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: failure_.clear(); break;  // the ZAP handler said why
    case ZMQ_EVENT_DISCONNECTED: {
        // libzmq reports a failed handshake, then at once (one I/O thread, in the same call)
        // the disconnection of that connection: the failure is this descriptor's.
        const auto it = peers_.find(static_cast<int>(value));
        const std::string who = it == peers_.end() || it->second.empty() ? "a peer" : it->second;
        if (!failure_.empty()) std::fprintf(stderr, "harness: refused %s: %s\n", who.c_str(), failure_.c_str());
        failure_.clear();
        if (it != peers_.end()) peers_.erase(it);
        break;
    }
    default: break;
    }
}

namespace {

/// A bare port, `:port` or `tcp://:port`: the address left out, so loopback.
std::string withAddress(const std::string& ep) {
    if (!ep.empty() && ep.find_first_not_of("0123456789") == std::string::npos) return "tcp://127.0.0.1:" + ep;
    if (ep.size() > 1 && ep[0] == ':') return "tcp://127.0.0.1" + ep;
    if (ep.rfind("tcp://:", 0) == 0) return "tcp://127.0.0.1" + ep.substr(6);
    return ep;
}

bool loopback(const std::string& bound) {
    return bound.rfind("tcp://127.", 0) == 0 || bound.rfind("tcp://[::1]:", 0) == 0;
}

}  // namespace

std::string bindSecured(zmq::context_t& ctx, Link& link, const std::string& endpoint, const Access& access,
                        std::unique_ptr<Gate>& gate) {
    const std::string ep = withAddress(endpoint);
    const bool ipc = ep.rfind("ipc://", 0) == 0;
    const bool curve = !access.keyFile.empty();
    if (curve != !access.allowFile.empty()) {
        throw std::runtime_error("--key FILE (this harness's key pair) and --allow FILE (the client keys it admits) go together");
    }
    if (access.insecure && (curve || ipc)) {
        throw std::runtime_error("--insecure is for plain tcp on loopback, without --key/--allow");
    }
    if (!curve && !access.insecure && !ipc) {
        throw std::runtime_error(ep + " is served only with CURVE: give --key FILE (this harness's key pair) and --allow FILE "
                                 "(the client public keys it admits), as npx tsx bridge/src/cli/harness.ts does; or, for "
                                 "tests on this machine only, --insecure with a loopback address (tcp://127.0.0.1:PORT)");
    }
    if (ipc && !curve) {
        // A plain ipc socket is as private as its directory: only its owner may enter it.
        const std::string file = ep.substr(6);
        const size_t slash = file.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : file.substr(0, slash ? slash : 1);
        struct stat st {};
        if (file.empty() || file[0] == '@' || ::stat(dir.c_str(), &st) != 0 || st.st_uid != ::geteuid() || (st.st_mode & 077)) {
            throw std::runtime_error(ep + ": a plain ipc socket must be in a directory that only you can enter (mkdir -m 700 DIR), "
                                     "and " + dir + " is not; or serve it with --key and --allow");
        }
    }
    std::string how = ipc ? "plain, in a private directory" : "WITHOUT authentication (--insecure: loopback only)";
    if (curve) {
        if (!zmq_has("curve")) {
            throw std::runtime_error("this libzmq has no CURVE (zmq_has(\"curve\") is false): install a libzmq built with libsodium");
        }
        const ServerKey key = loadServerKey(access.keyFile);
        gate = std::make_unique<Gate>(ctx, access.allowFile);  // bound before the server socket
        link.curveServer(key.secret);
        link.monitor("inproc://cellbench-gate");
        gate->start("inproc://cellbench-gate");
        how = "with CURVE: server public key '" + key.publicZ85 + "', clients admitted by " + access.allowFile;
    }
    link.bind(ep);
    const std::string bound = link.boundEndpoint();
    if (access.insecure && !loopback(bound)) {
        throw std::runtime_error("--insecure serves plain tcp on loopback only, and " + ep + " binds " + bound
                                 + ": bind tcp://127.0.0.1:PORT, or drop --insecure and give --key and --allow");
    }
    return bound + " " + how;
}

}  // namespace cb
