#pragma once

#include <filesystem>
#include <string>

namespace b2b::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;

    std::filesystem::path const& path() const { return path_; }
    std::filesystem::path operator/(std::string const& name) const { return path_ / name; }

    /// Writes `content` to `name` inside the directory and returns the full path.
    std::filesystem::path WriteFile(std::string const& name, std::string const& content) const;

private:
    std::filesystem::path path_;
};

}  // namespace b2b::test
