#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace b2b::emu::onec {

/// What happened to one remote file name (an upload, its imports, or both).
struct FileReport {
    std::string name;
    std::uint64_t bytes = 0;
    std::uint64_t chunks = 0;
    std::uint64_t import_calls = 0;
    std::string last_status;  // status word of the last answer about this file
};

/// The run's outcome; printed as one JSON line on stdout at the end.
struct Summary {
    bool success = false;
    std::string failure;  // empty on success
    std::uint64_t requests = 0;
    std::uint64_t uploaded_bytes = 0;
    std::uint64_t import_calls = 0;
    std::uint64_t progress_answers = 0;
    std::uint64_t orders_bytes = 0;  // sale: size of the query answer
    std::vector<FileReport> files;

    /// The entry for `name`, created on first use (keeps first-touch order).
    FileReport& File(std::string const& name);
};

/// {"result":"success|failure","failure":"...","requests":N,"uploaded_bytes":N,"import_calls":N,
///  "progress_answers":N,"orders_bytes":N,"files":[{"name":...,"bytes":N,"chunks":N,
///  "import_calls":N,"status":"..."}]}
std::string SummaryJson(Summary const& summary);

/// One report line per request: `mode=import filename=import.xml -> progress Temp tables dropped`.
std::string RequestLine(std::string const& mode, std::string const& filename, std::string const& detail,
                        std::string const& outcome);

}  // namespace b2b::emu::onec
