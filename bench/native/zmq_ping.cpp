// Benchmark: round trips of the harness's PING through libzmq from C++, the floor of any
// client. Usage: zmq_ping <endpoint> <count>; prints the median and p90 in microseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <zmq.hpp>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: zmq_ping <endpoint> <count>\n");
        return 2;
    }
    const int n = std::atoi(argv[2]);
    zmq::context_t ctx(1);
    zmq::socket_t s(ctx, zmq::socket_type::dealer);
    s.set(zmq::sockopt::linger, 0);
    s.connect(argv[1]);
    const uint8_t ping[8] = {0x02, 0, 0, 0, 1, 0, 0, 0};  // PING, seq 1 (bridge/PROTOCOL.md)
    std::vector<double> us;
    for (int i = 0; i < n + 200; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        s.send(zmq::const_buffer(ping, sizeof ping), zmq::send_flags::none);
        zmq::message_t m;
        do {
            (void)s.recv(m, zmq::recv_flags::none);
        } while (m.size() > 0 && static_cast<const uint8_t*>(m.data())[0] == 0x8A);  // heartbeats
        const double d = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
        if (i >= 200) us.push_back(d);  // the first ones warm the connection up
    }
    std::sort(us.begin(), us.end());
    std::printf("{\"p50\": %.2f, \"p90\": %.2f}\n", us[us.size() / 2], us[us.size() * 9 / 10]);
    return 0;
}
