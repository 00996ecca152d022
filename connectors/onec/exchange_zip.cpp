#include "connectors/onec/exchange_zip.hpp"

#include <zip.h>

#include <array>
#include <fstream>
#include <memory>

#include "connectors/onec/exchange_files.hpp"

namespace b2b::onec {
namespace {

struct ArchiveCloser {
    void operator()(zip_t* z) const noexcept { zip_discard(z); }
};
struct EntryCloser {
    void operator()(zip_file_t* f) const noexcept { zip_fclose(f); }
};

Error Bomb(std::string const& label, std::string const& what) {
    return Error::Permanent(label + ": zip bomb guard: " + what + "; archive refused");
}

}  // namespace

Result<std::vector<UnpackedEntry>> UnpackZip(std::filesystem::path const& archive, std::string const& archive_label,
                                             std::filesystem::path const& dest, UnzipLimits const& limits) {
    int open_error = 0;
    std::unique_ptr<zip_t, ArchiveCloser> zip(zip_open(archive.c_str(), ZIP_RDONLY, &open_error));
    if (!zip) {
        zip_error_t error;
        zip_error_init_with_code(&error, open_error);
        std::string message = archive_label + ": not a readable zip archive (" + zip_error_strerror(&error) + ")";
        zip_error_fini(&error);
        return Error::Permanent(std::move(message));
    }
    std::uint64_t const archive_size = FileSizeOrZero(archive);
    std::uint64_t const ratio_cap =
        limits.max_ratio == 0 ? limits.max_total_bytes : std::max<std::uint64_t>(archive_size, 1) * limits.max_ratio;
    std::uint64_t const total_cap = std::min(limits.max_total_bytes, ratio_cap);
    auto const count = zip_get_num_entries(zip.get(), 0);
    if (count < 0 || static_cast<std::uint64_t>(count) > limits.max_entries) {
        return Bomb(archive_label, std::to_string(count) + " entries, limit " + std::to_string(limits.max_entries));
    }
    std::vector<UnpackedEntry> entries;
    std::uint64_t total = 0;
    std::array<char, 64 * 1024> buffer{};
    for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(zip.get(), i, 0, &st) != 0 || (st.valid & ZIP_STAT_NAME) == 0) {
            return Error::Permanent(archive_label + ": cannot read entry " + std::to_string(i) + ": " +
                                    zip_strerror(zip.get()));
        }
        std::string const raw_name = st.name;
        if (raw_name.ends_with('/') || raw_name.ends_with('\\')) {
            continue;  // directory entry: folders are created with their files
        }
        auto name = CanonicalFileName(raw_name);
        if (!name) {
            return name.error().WithContext(archive_label);
        }
        // Cheap early refusal from the declared sizes; the real check counts inflated bytes below.
        if ((st.valid & ZIP_STAT_SIZE) != 0 && (total + st.size > total_cap || st.size > limits.max_entry_bytes)) {
            return Bomb(archive_label, "entry " + *name + " declares " + std::to_string(st.size) +
                                           " bytes, over the unpack limit (" + std::to_string(total_cap) +
                                           " bytes for this archive)");
        }
        std::unique_ptr<zip_file_t, EntryCloser> file(zip_fopen_index(zip.get(), i, 0));
        if (!file) {
            return Error::Permanent(archive_label + ": cannot open entry " + *name + ": " + zip_strerror(zip.get()));
        }
        std::filesystem::path const target = dest / *name;
        std::error_code ec;
        std::filesystem::create_directories(target.parent_path(), ec);
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        if (ec || !out) {
            return Error::Permanent(archive_label + ": cannot create " + target.string());
        }
        std::uint64_t entry_bytes = 0;
        for (;;) {
            auto const n = zip_fread(file.get(), buffer.data(), buffer.size());
            if (n < 0) {
                return Error::Permanent(archive_label + ": cannot inflate entry " + *name + ": " +
                                        zip_file_strerror(file.get()));
            }
            if (n == 0) {
                break;
            }
            entry_bytes += static_cast<std::uint64_t>(n);
            total += static_cast<std::uint64_t>(n);
            if (total > total_cap || entry_bytes > limits.max_entry_bytes) {
                out.close();
                std::filesystem::remove(target, ec);
                return Bomb(archive_label, "inflating " + *name + " exceeded the unpack limit (" +
                                               std::to_string(total_cap) + " bytes for this archive)");
            }
            out.write(buffer.data(), n);
        }
        out.close();
        if (!out) {
            return Error::Permanent(archive_label + ": cannot write " + target.string());
        }
        entries.push_back({std::move(*name), entry_bytes});
    }
    return entries;
}

}  // namespace b2b::onec
