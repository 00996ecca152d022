#include "tests/emulators/onec/report.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace b2b::emu::onec {

FileReport& Summary::File(std::string const& name) {
    auto it = std::find_if(files.begin(), files.end(), [&](FileReport const& f) { return f.name == name; });
    if (it != files.end()) {
        return *it;
    }
    files.push_back(FileReport{.name = name});
    return files.back();
}

std::string SummaryJson(Summary const& summary) {
    boost::json::array files;
    for (auto const& file : summary.files) {
        files.push_back(boost::json::object{{"name", file.name},
                                            {"bytes", file.bytes},
                                            {"chunks", file.chunks},
                                            {"import_calls", file.import_calls},
                                            {"status", file.last_status}});
    }
    boost::json::object out{{"result", summary.success ? "success" : "failure"},
                            {"failure", summary.failure},
                            {"requests", summary.requests},
                            {"uploaded_bytes", summary.uploaded_bytes},
                            {"import_calls", summary.import_calls},
                            {"progress_answers", summary.progress_answers},
                            {"orders_bytes", summary.orders_bytes},
                            {"files", std::move(files)}};
    return boost::json::serialize(out);
}

std::string RequestLine(std::string const& mode, std::string const& filename, std::string const& detail,
                        std::string const& outcome) {
    std::string line = "mode=" + mode;
    if (!filename.empty()) {
        line += " filename=" + filename;
    }
    if (!detail.empty()) {
        line += " " + detail;
    }
    return line + " -> " + outcome;
}

}  // namespace b2b::emu::onec
