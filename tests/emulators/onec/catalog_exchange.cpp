#include "tests/emulators/onec/catalog_exchange.hpp"

#include "tests/emulators/onec/file_plan.hpp"
#include "tests/emulators/onec/zip_pack.hpp"

#include <unistd.h>

namespace b2b::emu::onec {
namespace {

// The packed archive lives only while it is being uploaded.
class TempArchive {
public:
    explicit TempArchive(std::string const& name)
        : path_(std::filesystem::temp_directory_path() /
                ("onec_simulator_" + std::to_string(::getpid()) + "_" + name)) {}
    ~TempArchive() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    TempArchive(TempArchive const&) = delete;
    TempArchive& operator=(TempArchive const&) = delete;

    std::filesystem::path const& Path() const { return path_; }

private:
    std::filesystem::path path_;
};

bool UploadZipped(Session& session, std::vector<PlannedFile> const& files) {
    auto const name = ArchiveName();
    TempArchive archive(name);
    if (auto error = PackZip(files, archive.Path())) {
        return session.Fail("zip: " + *error);
    }
    return session.Upload(archive.Path(), name);
}

}  // namespace

bool RunCatalogSteps(Session& session, Options const& options) {
    auto const files = PlanFiles(options.files, options.base_dir, options.remote_names);
    bool const zipped =
        !files.empty() && (options.zip == ZipMode::kYes || (options.zip == ZipMode::kAuto && session.ServerWantsZip()));
    if (zipped) {
        if (!UploadZipped(session, files)) {
            return false;
        }
    } else {
        for (auto const& file : files) {
            if (!session.Upload(file.local, file.remote)) {
                return false;
            }
        }
    }
    for (auto const& name : ImportOrder(files)) {
        if (!session.Import(name)) {
            return false;
        }
    }
    if (options.old_1c) {
        return true;  // deactivate and complete arrived with newer 1C (commerceml.md §1.6)
    }
    // Without a checkauth timestamp Bitrix refuses deactivate, so 1C has nothing to send.
    if (options.full && session.Timestamp()) {
        if (!session.Confirm("deactivate", "timestamp=" + *session.Timestamp())) {
            return false;
        }
    }
    return session.Confirm("complete");
}

}  // namespace b2b::emu::onec
