// Who may talk to a harness started by hand on a network endpoint: CurveZMQ authentication and
// encryption, with the clients' public keys on an allow-list. libzmq does the handshake; the Gate
// is its ZAP handler (RFC 27), which admits a client key only when the allow-list file names it
// (read at every handshake, so a key added while the harness runs counts at once), and it watches
// the server socket for handshakes that fail before ZAP is asked (a client without CURVE, or with
// the wrong server key), so every refusal is logged with the peer's address and what to do.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <zmq.hpp>

#include "link.h"

namespace cb {

/// A harness's CURVE key pair, read from its key file.
struct ServerKey {
    uint8_t secret[32];
    std::string publicZ85;
};

/// Reads the key pair in `path` (written by bridge/src/keys.ts); throws std::runtime_error
/// saying what is wrong and what to do, also when others than its owner may read the file.
ServerKey loadServerKey(const std::string& path);

class Gate {
public:
    /// Binds the ZAP handler's socket: before any CURVE socket binds, or libzmq admits every key.
    Gate(zmq::context_t& ctx, std::string allowFile);
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;
    ~Gate();

    /// Starts answering ZAP requests and reading the server socket's monitor at `monitorEp`.
    void start(const std::string& monitorEp);

private:
    void run();
    void answerZap();
    void monitorEvent();
    /// The keys of the allow-list file and their names; empty with `problem` set when it cannot be trusted.
    std::unordered_map<std::string, std::string> allowed(std::string& problem) const;

    zmq::socket_t zap_;
    zmq::socket_t monitor_;
    std::string allowFile_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::unordered_map<int, std::string> peers_;  // accepted connection's descriptor → its address
    std::string failure_;                         // why the last handshake failed, logged at its disconnect
};

/// How a --bind harness lets clients in (its command line).
struct Access {
    std::string keyFile;    // --key: the server's key pair
    std::string allowFile;  // --allow: the client keys admitted
    bool insecure = false;  // --insecure: plain tcp, loopback only
};

/// Binds `link` to `endpoint` (its address left out, `5555` or `tcp://:5555`, means loopback)
/// as `access` allows, with CURVE and a started `gate` unless plain is allowed (--insecure on
/// loopback; ipc:// in a directory only this user can enter). Returns the bound endpoint and
/// how it is secured, for the log; throws std::runtime_error saying what to do instead.
std::string bindSecured(zmq::context_t& ctx, Link& link, const std::string& endpoint, const Access& access,
                        std::unique_ptr<Gate>& gate);

}  // namespace cb
