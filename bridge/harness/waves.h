// Where a harness may write waveforms: one directory, given at start-up (--waves-dir), and
// nothing outside it. A TRACE names its file relative to that directory; anything that could
// reach out of it (an absolute path, a `..`, a symbolic link on the way) is refused by name, so
// a client, even an allowed one, can never make the harness create or truncate another file.
#pragma once
#include <string>

namespace cb {

class WaveDir {
public:
    /// `root` empty: this harness writes no waveforms at all.
    explicit WaveDir(std::string root) : root_(std::move(root)) {}

    /// Checks `name`, creates the directories it names below the root (never following a
    /// symbolic link) and the file itself, and returns the path to open. Throws
    /// WireError(Trace) naming `name` and the rule it breaks.
    std::string place(const std::string& name) const;

    const std::string& root() const { return root_; }

private:
    std::string root_;
};

}  // namespace cb
