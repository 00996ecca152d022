#pragma once

#include <sys/statfs.h>

#include <filesystem>

namespace b2b::bench {

/// Names the filesystem under `dir`, printed beside every durable-write figure: on tmpfs fsync
/// costs nothing, so such a figure says nothing about a real disk.
inline char const* FsType(std::filesystem::path const& dir) {
    struct statfs s {};
    if (statfs(dir.c_str(), &s) != 0) {
        return "unknown";
    }
    switch (static_cast<unsigned long>(s.f_type)) {
        case 0xEF53:
            return "ext4";
        case 0x01021994:
            return "tmpfs (fsync is free here: not a durable-disk figure)";
        case 0x58465342:
            return "xfs";
        case 0x9123683E:
            return "btrfs";
        case 0x794C7630:
            return "overlayfs";
        default:
            return "other";
    }
}

}  // namespace b2b::bench
