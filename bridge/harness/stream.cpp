// The sampled-stream agent: at each edge of its clock (when the qualifier holds) it records the
// listed signals, and ships the records in column chunks with their edge numbers and times.
#include <cstring>

#include "agent.h"
#include "sim.h"

namespace cb {
namespace {


class StreamAgent final : public Agent {
public:
    StreamAgent(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& table)
        : Agent(id, clock, rising) {
        qual_ = static_cast<Qualifier>(r.get<uint8_t>());
        if (static_cast<uint8_t>(qual_) > 2) throw WireError(Err::BadOp, "stream qualifier kind is not 0..2");
        quals_ = ids(r, table, "qualifier");
        sigs_ = ids(r, table, "sampled");
        chunk_ = r.get<uint32_t>();
        credits_ = r.get<uint32_t>();
        if (sigs_.empty()) throw WireError(Err::BadOp, "a stream needs at least one signal");
        if (chunk_ == 0 || chunk_ > (1u << 20)) throw WireError(Err::BadOp, "stream chunk size must be 1..1Mi records");
        if (credits_ == 0) throw WireError(Err::BadOp, "a stream needs at least one credit");
        for (uint32_t s : sigs_) {
            offset_.push_back(words_);
            words_ += table[s].words();
        }
        cols_.resize(words_);
        last_.assign(words_, 0);
        tmp_.resize(words_);
    }

    void sample(Sim& sim, AgentHost& host) override {
        if (qual_ == Qualifier::AllOf) {
            for (uint32_t q : quals_) {
                if (!(readU64(sim, q) & 1)) return;
            }
        }
        for (size_t i = 0; i < sigs_.size(); ++i) readSignal(sim, sigs_[i], &tmp_[offset_[i]]);
        if (qual_ == Qualifier::OnChange) {
            if (seen_ && std::memcmp(tmp_.data(), last_.data(), 4 * words_) == 0) return;
            last_ = tmp_;
            seen_ = true;
        }
        cycles_.push_back(edges());
        times_.push_back(sim.now());
        for (uint32_t w = 0; w < words_; ++w) cols_[w].push_back(tmp_[w]);
        ++completed_;
        if (cycles_.size() >= chunk_) send(host, false, true);
    }

    void flush(AgentHost& host, bool last) override {
        if (!cycles_.empty() || last) send(host, last, false);
    }

private:
    static std::vector<uint32_t> ids(Reader& r, const std::vector<Signal>& table, const char* what) {
        const uint32_t n = r.get<uint32_t>();
        if (n > 4096) throw WireError(Err::BadOp, std::string("too many ") + what + " signals");
        std::vector<uint32_t> v;
        for (uint32_t i = 0; i < n; ++i) v.push_back(signalId(r, table, what, false, true));
        return v;
    }

    /// Chunk: u32 records, u32 signals, u64 edge[n], u64 time[n], then per signal its words per
    /// value and the n values (a column).
    void send(AgentHost& host, bool last, bool credited) {
        begin(out_, last, credited);
        const uint32_t n = static_cast<uint32_t>(cycles_.size());
        out_.put<uint32_t>(n);
        out_.put<uint32_t>(static_cast<uint32_t>(sigs_.size()));
        out_.bytes(cycles_.data(), 8 * cycles_.size());
        out_.bytes(times_.data(), 8 * times_.size());
        for (size_t i = 0; i < sigs_.size(); ++i) {
            const uint32_t wpv = (i + 1 < sigs_.size() ? offset_[i + 1] : words_) - offset_[i];
            out_.put<uint32_t>(wpv);
            // Interleave the value's words back into one record per value.
            for (uint32_t k = 0; k < n; ++k) {
                for (uint32_t w = 0; w < wpv; ++w) out_.put<uint32_t>(cols_[offset_[i] + w][k]);
            }
        }
        cycles_.clear();
        times_.clear();
        for (auto& c : cols_) c.clear();
        ship(host, out_, credited);
    }

    Qualifier qual_;
    std::vector<uint32_t> quals_, sigs_, offset_;
    uint32_t chunk_ = 0, words_ = 0;
    bool seen_ = false;
    std::vector<uint64_t> cycles_, times_;
    std::vector<std::vector<uint32_t>> cols_;  // one column per value word
    std::vector<uint32_t> last_, tmp_;
    Writer out_;
};

}  // namespace

std::unique_ptr<Agent> makeStream(uint32_t id, uint32_t clock, bool rising, Reader& r, const std::vector<Signal>& table) {
    return std::make_unique<StreamAgent>(id, clock, rising, r, table);
}

}  // namespace cb
