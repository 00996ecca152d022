#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/onec/cml_reader.hpp"
#include "connectors/onec/exchange_options.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

/// The import cursor of one file, persisted in exchange_files.checkpoint after every slice.
struct ImportCursor {
    bool started = false;            ///< false: no slice finished yet, read from the start
    SplitterCheckpoint checkpoint;   ///< where the next slice resumes
    std::vector<CmlHeader> headers;  ///< every header seen so far, replayed to a fresh sink
    std::uint64_t skipped = 0;       ///< records that failed to decode and were skipped so far
    ImportTally kept;                ///< the sinks' tallies summed over the slices so far
};

/// JSON text of a cursor, and back. Decode errors (Permanent) mean a corrupt row.
std::string EncodeCursor(ImportCursor const& cursor);
Result<ImportCursor> DecodeCursor(std::string_view text);

struct SliceLimits {
    std::chrono::milliseconds budget{2000};
    std::size_t max_records = 20000;
    ReaderOptions reader;
};

/// What one slice achieved.
struct SliceOutcome {
    enum class Kind {
        kProgress,  ///< more to read; the cursor was advanced and must be saved
        kDone,      ///< end of file reached; Flush and Finish succeeded
        kFailed,    ///< malformed document (the file is dead) or a sink error (retry possible)
    };
    Kind kind = Kind::kFailed;
    std::uint64_t records_in_slice = 0;
    std::uint64_t records_total = 0;  ///< records of the file read so far
    unsigned percent = 0;             ///< of the file's bytes
    ImportTally kept_in_slice;        ///< the sink's tally for this slice (also added to the cursor)
    bool document_error = false;      ///< kFailed because the XML is broken (not the sink)
    std::string error;                ///< kFailed: the message for the answer
};

/// Reads the next bounded slice of `path` into `sink` (commerceml.md §6 quirk 7): resumes from
/// `cursor` (replaying its headers to the sink first), stops after `limits.budget` or
/// `limits.max_records` records, then Flush()es the sink and advances `cursor`; at the end of the
/// document also calls Finish(). On failure `cursor` is left unchanged and nothing is flushed.
/// Blocking file I/O: run it on a worker thread. `label` names the file in error messages.
SliceOutcome RunImportSlice(std::filesystem::path const& path, std::string const& label, ImportCursor& cursor,
                            ImportSink& sink, SliceLimits const& limits);

}  // namespace b2b::onec
