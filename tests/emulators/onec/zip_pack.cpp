#include "tests/emulators/onec/zip_pack.hpp"

#include <zip.h>

#include <cstdio>
#include <random>

namespace b2b::emu::onec {
namespace {

std::string ZipError(zip_t* archive) {
    return zip_strerror(archive);
}

}  // namespace

std::string ArchiveName() {
    std::random_device device;
    std::uniform_int_distribution<unsigned> high(0, 0xFFFF);
    std::uniform_int_distribution<unsigned> low(0, 0xFFFFFF);
    char name[32];
    std::snprintf(name, sizeof name, "v8_%04X_%06x.zip", high(device), low(device));
    return name;
}

std::optional<std::string> PackZip(std::vector<PlannedFile> const& files, std::filesystem::path const& archive) {
    int error_code = 0;
    zip_t* zip = zip_open(archive.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error_code);
    if (zip == nullptr) {
        zip_error_t error;
        zip_error_init_with_code(&error, error_code);
        std::string text = "cannot create " + archive.string() + ": " + zip_error_strerror(&error);
        zip_error_fini(&error);
        return text;
    }
    for (auto const& file : files) {
        // Length -1 means "to the end" (libzip 1.7 has no ZIP_LENGTH_TO_END yet).
        zip_source_t* source = zip_source_file(zip, file.local.c_str(), 0, -1);
        if (source == nullptr) {
            auto text = "cannot read " + file.local.string() + ": " + ZipError(zip);
            zip_discard(zip);
            return text;
        }
        if (zip_file_add(zip, file.remote.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            zip_source_free(source);
            auto text = "cannot add " + file.remote + ": " + ZipError(zip);
            zip_discard(zip);
            return text;
        }
    }
    if (zip_close(zip) != 0) {
        auto text = "cannot write " + archive.string() + ": " + ZipError(zip);
        zip_discard(zip);
        return text;
    }
    return std::nullopt;
}

}  // namespace b2b::emu::onec
