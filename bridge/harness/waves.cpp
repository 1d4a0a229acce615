#include "waves.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "wire.h"

namespace cb {
namespace {

// The FST writer puts `<name>.hier` beside the file while it writes: leave room for it.
constexpr size_t kMaxComponent = 255 - 5;
constexpr size_t kMaxName = 1024;

/// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

/// `s` quoted for a message, control characters escaped so a hostile name cannot forge log lines.
std::string quoted(const std::string& s) {
    std::string out = "'";
    for (const unsigned char c : s.substr(0, 200)) {
        if (c < 0x20 || c == 0x7f) {
            char b[8];
            std::snprintf(b, sizeof b, "\\x%02x", c);
            out += b;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + (s.size() > 200 ? "'…" : "'");
}

/// What `name` in the directory `dir` is, when it is not what the walk needs: "" for a plain
/// directory (`wantDir`) or regular file, or one that does not exist.
const char* wrongKind(int dir, const std::string& name, bool wantDir) {
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return "";
    if (S_ISLNK(st.st_mode)) return "is a symbolic link, which could lead out of the waves directory";
    if (wantDir && !S_ISDIR(st.st_mode)) return "is not a directory";
    if (!wantDir && !S_ISREG(st.st_mode)) return "is not a regular file";
    return "";
}

}  // namespace

std::string WaveDir::place(const std::string& name) const {
    const std::string what = "TRACE path " + quoted(name) + " refused: ";
    const std::string rule = "; this harness writes waveforms only under " + (root_.empty() ? std::string("its --waves-dir") : root_)
                             + ", named by a path relative to it such as 'uart/sends_a_byte.fst'";
    if (root_.empty()) {
        throw WireError(Err::Trace, "TRACE path " + quoted(name)
                                        + " refused: this harness was started without --waves-dir, so it writes no waveforms "
                                          "(start it with --waves-dir DIR)");
    }
    if (name.empty()) throw WireError(Err::Trace, what + "empty" + rule);
    if (name[0] == '/') throw WireError(Err::Trace, what + "it is absolute" + rule);
    if (name.size() > kMaxName) throw WireError(Err::Trace, what + "longer than " + std::to_string(kMaxName) + " bytes" + rule);
    for (const unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) throw WireError(Err::Trace, what + "it holds a control character" + rule);
    }
    std::vector<std::string> parts;
    for (size_t at = 0;;) {
        const size_t slash = name.find('/', at);
        parts.push_back(name.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
        if (slash == std::string::npos) break;
        at = slash + 1;
    }
    for (const std::string& p : parts) {
        if (p.empty()) throw WireError(Err::Trace, what + "an empty component (a doubled or trailing '/')" + rule);
        if (p == "." || p == "..") throw WireError(Err::Trace, what + "a '" + p + "' component" + rule);
        if (p.size() > kMaxComponent) {
            throw WireError(Err::Trace, what + "a component longer than " + std::to_string(kMaxComponent) + " bytes" + rule);
        }
    }
    const std::string& file = parts.back();
    if (file.size() < 5 || file.compare(file.size() - 4, 4, ".fst") != 0) {
        throw WireError(Err::Trace, what + "a waveform file's name ends in .fst" + rule);
    }

    // Walk down from the root one directory at a time, never through a symbolic link, creating
    // what is missing: the descriptors, not the names, carry the walk, so every step stays inside.
    auto fail = [&](const std::string& at, const char* why) {
        return WireError(Err::Trace, what + root_ + "/" + at + " " + why + rule);
    };
    int rootFd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootFd < 0 && errno == ENOENT && ::mkdir(root_.c_str(), 0777) == 0) {
        rootFd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if (rootFd < 0) {
        throw WireError(Err::Trace, "TRACE path " + quoted(name) + ": cannot open the waves directory " + root_ + ": "
                                        + std::strerror(errno));
    }
    auto dir = std::make_unique<Fd>(rootFd);
    std::string at;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        at += (i ? "/" : "") + parts[i];
        const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        int next = ::openat(dir->fd, parts[i].c_str(), flags);
        if (next < 0 && errno == ENOENT && (::mkdirat(dir->fd, parts[i].c_str(), 0777) == 0 || errno == EEXIST)) {
            next = ::openat(dir->fd, parts[i].c_str(), flags);
        }
        if (next < 0) {
            const int err = errno;
            if (*wrongKind(dir->fd, parts[i], true)) throw fail(at, wrongKind(dir->fd, parts[i], true));
            throw fail(at, (std::string("cannot be opened: ") + std::strerror(err)).c_str());
        }
        dir = std::make_unique<Fd>(next);
    }
    if (*wrongKind(dir->fd, file, false)) throw fail(name, wrongKind(dir->fd, file, false));
    // O_NOFOLLOW and O_NONBLOCK hold even if the name changed since: a link is refused, and a
    // FIFO fails at once instead of blocking the harness.
    const int fd = ::openat(dir->fd, file.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) throw fail(name, (std::string("cannot be created: ") + std::strerror(errno)).c_str());
    Fd f(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) throw fail(name, "is not a regular file");
    // The FST writer replaces the file (unlink, then create) under this name: every directory on
    // the way was just checked not to be a link.
    return root_ + "/" + name;
}

}  // namespace cb
