#include "connectors/onec/exchange_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <system_error>
#include <vector>

namespace b2b::onec {
namespace {

constexpr std::size_t kMaxComponentBytes = 255;
constexpr std::size_t kMaxNameBytes = 1024;
// Never store anything a web server in front of us (or a careless operator) could execute.
constexpr std::array<std::string_view, 7> kScriptSuffixes = {".php", ".phtml", ".pl", ".py", ".sh", ".cgi", ".htaccess"};

Error NotAllowed(std::string_view raw, std::string_view why) {
    return Error::Permanent("file name \"" + std::string(raw) + "\" is not allowed: " + std::string(why));
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool IsScriptName(std::string_view component) {
    std::string const name = Lower(component);
    for (auto suffix : kScriptSuffixes) {
        if (name.ends_with(suffix)) {
            return true;
        }
    }
    // .php3, .php5, .php7 ... are run by PHP too.
    auto const dot = name.rfind(".php");
    if (dot != std::string::npos) {
        auto const tail = std::string_view(name).substr(dot + 4);
        bool digits = !tail.empty();
        for (char c : tail) {
            digits = digits && c >= '0' && c <= '9';
        }
        return digits;
    }
    return false;
}

bool StripPrefix(std::string& s, std::string_view prefix) {
    if (Lower(s.substr(0, prefix.size())) == prefix) {
        s.erase(0, prefix.size());
        return true;
    }
    return false;
}

Error Errno(std::string_view what, std::filesystem::path const& path, int err) {
    return Error::Permanent(std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

}  // namespace

Result<std::string> CanonicalFileName(std::string_view raw) {
    if (raw.empty()) {
        return NotAllowed(raw, "empty name");
    }
    if (raw.find('\0') != std::string_view::npos) {
        return NotAllowed(raw, "NUL byte");
    }
    std::string s(raw);
    for (char& c : s) {
        if (c == '\\') {
            c = '/';
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return NotAllowed(raw, "control character");
        }
    }
    // A Windows path of the 1C server ("C:\v8_8789_c.xml") names a file relative to nothing of ours.
    if (s.size() >= 2 && s[1] == ':' && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) {
        s.erase(0, 2);
        while (!s.empty() && s.front() == '/') {
            s.erase(0, 1);
        }
    }
    // Bitrix strips these "for 1C server on Linux" (commerceml.md §1.4).
    if (!StripPrefix(s, "/tmp/")) {
        std::string relative = s;
        while (!relative.empty() && relative.front() == '/') {
            relative.erase(0, 1);
        }
        if (StripPrefix(relative, "upload/1c/webdata/")) {
            s = relative;
        }
    }
    if (!s.empty() && s.front() == '/') {
        return NotAllowed(raw, "absolute path");
    }
    std::string out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto const slash = s.find('/', start);
        auto const end = slash == std::string::npos ? s.size() : slash;
        std::string_view const part = std::string_view(s).substr(start, end - start);
        start = end + 1;
        if (part.empty() || part == ".") {
            continue;
        }
        if (part == "..") {
            return NotAllowed(raw, "\"..\" path component");
        }
        if (part.size() > kMaxComponentBytes) {
            return NotAllowed(raw, "path component longer than 255 bytes");
        }
        if (!out.empty()) {
            out += '/';
        }
        out += part;
    }
    if (out.empty()) {
        return NotAllowed(raw, "empty name");
    }
    if (out.size() > kMaxNameBytes) {
        return NotAllowed(raw, "longer than 1024 bytes");
    }
    auto const last_slash = out.rfind('/');
    std::string_view const base = last_slash == std::string::npos ? std::string_view(out)
                                                                   : std::string_view(out).substr(last_slash + 1);
    if (IsScriptName(base)) {
        return NotAllowed(raw, "script file type");
    }
    return out;
}

bool StartsNewXmlDocument(std::string_view chunk) {
    if (chunk.starts_with("\xEF\xBB\xBF")) {
        chunk.remove_prefix(3);
    }
    return chunk.starts_with("<?xml");
}

namespace {

constexpr std::size_t kDocumentEdgeBytes = 4096;

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The root element's name and whether its start tag is self-closing, from the head of a document.
std::optional<std::pair<std::string, bool>> RootStartTag(std::string_view head) {
    if (head.starts_with("\xEF\xBB\xBF")) {
        head.remove_prefix(3);
    }
    for (;;) {
        while (!head.empty() && IsXmlSpace(head.front())) {
            head.remove_prefix(1);
        }
        if (head.starts_with("<?") || head.starts_with("<!--") || head.starts_with("<!")) {
            std::string_view const end = head.starts_with("<?") ? "?>" : head.starts_with("<!--") ? "-->" : ">";
            auto const at = head.find(end);
            if (at == std::string_view::npos) {
                return std::nullopt;
            }
            head.remove_prefix(at + end.size());
            continue;
        }
        break;
    }
    if (!head.starts_with("<")) {
        return std::nullopt;
    }
    head.remove_prefix(1);
    std::size_t n = 0;
    while (n < head.size() && !IsXmlSpace(head[n]) && head[n] != '>' && head[n] != '/') {
        ++n;
    }
    if (n == 0 || n == head.size()) {
        return std::nullopt;
    }
    auto const tag_end = head.find('>', n);
    if (tag_end == std::string_view::npos) {
        return std::nullopt;
    }
    return std::pair{std::string(head.substr(0, n)), tag_end > 0 && head[tag_end - 1] == '/'};
}

}  // namespace

bool HoldsCompleteXmlDocument(std::filesystem::path const& path) {
    std::uint64_t const size = FileSizeOrZero(path);
    int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    auto read_at = [fd](std::uint64_t offset, std::size_t count) {
        std::string bytes(count, '\0');
        auto const n = ::pread(fd, bytes.data(), count, static_cast<off_t>(offset));
        bytes.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return bytes;
    };
    std::string const head = read_at(0, static_cast<std::size_t>(std::min<std::uint64_t>(size, kDocumentEdgeBytes)));
    std::uint64_t const tail_from = size > kDocumentEdgeBytes ? size - kDocumentEdgeBytes : 0;
    std::string const tail = read_at(tail_from, static_cast<std::size_t>(size - tail_from));
    ::close(fd);
    auto root = RootStartTag(head);
    if (!root) {
        return false;
    }
    std::string_view end(tail);
    while (!end.empty() && IsXmlSpace(end.back())) {
        end.remove_suffix(1);
    }
    if (root->second) {
        return true;  // <Root .../>: nothing can follow but whitespace
    }
    if (!end.ends_with(">")) {
        return false;
    }
    end.remove_suffix(1);
    while (!end.empty() && IsXmlSpace(end.back())) {
        end.remove_suffix(1);
    }
    return end.ends_with("</" + root->first);
}

Status ResetDirectory(std::filesystem::path const& dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (ec) {
        return Error::Permanent("cannot empty work directory " + dir.string() + ": " + ec.message());
    }
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return Error::Permanent("cannot create work directory " + dir.string() + ": " + ec.message());
    }
    return {};
}

Result<std::uint64_t> AppendToFile(std::filesystem::path const& path, std::string_view bytes, bool truncate_first) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
        return Error::Permanent("cannot create directory " + path.parent_path().string() + ": " + ec.message());
    }
    int const flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate_first ? O_TRUNC : O_APPEND);
    int const fd = ::open(path.c_str(), flags, 0640);
    if (fd < 0) {
        return Errno("cannot open", path, errno);
    }
    struct stat before {};
    if (::fstat(fd, &before) != 0) {
        int const err = errno;
        ::close(fd);
        return Errno("cannot stat", path, err);
    }
    std::size_t written = 0;
    while (written < bytes.size()) {
        auto const n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            int const err = errno;
            ::close(fd);
            return Errno("cannot write", path, err);
        }
        written += static_cast<std::size_t>(n);
    }
    struct stat after {};
    int const stat_rc = ::fstat(fd, &after);
    int const stat_err = errno;
    if (::close(fd) != 0) {
        return Errno("cannot close", path, errno);
    }
    if (stat_rc != 0) {
        return Errno("cannot stat", path, stat_err);
    }
    auto const expected = static_cast<std::uint64_t>(before.st_size) + bytes.size();
    if (static_cast<std::uint64_t>(after.st_size) != expected) {
        return Error::Permanent("short write to " + path.string() + ": size " + std::to_string(after.st_size) +
                                ", expected " + std::to_string(expected));
    }
    return expected;
}

std::uint64_t FileSizeOrZero(std::filesystem::path const& path) {
    std::error_code ec;
    auto const size = std::filesystem::file_size(path, ec);
    return ec ? 0 : static_cast<std::uint64_t>(size);
}

}  // namespace b2b::onec
