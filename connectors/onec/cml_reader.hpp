#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/decode_support.hpp"
#include "connectors/onec/record_splitter.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

struct ReaderOptions {
    std::chrono::minutes default_utc_offset{0};  ///< the 1C server's zone, for dates without an offset
    SplitterOptions splitter;
    std::size_t max_problems_kept = 1000;  ///< problems beyond this are counted, not stored
    /// Threads that parse and decode records while the calling thread splits the input; 0 decodes
    /// on the calling thread. Either way the visitor is called on the calling thread, in document order.
    /// Default: one per core, at most 4 (parsing is the largest stage of a catalog import; on 2
    /// cores 2 threads let it use the time the splitter and the store writer leave free).
    std::size_t decode_threads = DefaultDecodeThreads();

    static std::size_t DefaultDecodeThreads();
};

/// A record that failed to decode and was skipped.
struct RecordProblem {
    CmlRecordKind kind = CmlRecordKind::kProduct;
    std::string path;
    std::uint64_t line = 0;
    std::uint64_t column = 0;
    std::string message;  ///< `<file>:<line>:<col>: <reason> (element path ...)`
};

struct ReadSummary {
    /// Decoded records per CmlRecordKind (indexed by the enum); groups count every nested group.
    std::array<std::uint64_t, kCmlRecordKindCount> decoded{};
    std::uint64_t raw_records = 0;  ///< record elements seen (decoded + skipped)
    std::uint64_t skipped = 0;
    std::vector<RecordProblem> problems;  ///< at most ReaderOptions::max_problems_kept
    std::vector<CmlHeader> headers;
    /// Input bytes consumed. After a visitor error with decode_threads > 0 this may count input
    /// split ahead of the failing record.
    std::uint64_t source_bytes = 0;
    std::size_t peak_buffer_bytes = 0;

    std::uint64_t Count(CmlRecordKind kind) const { return decoded[static_cast<std::size_t>(kind)]; }
};

/// Receives decoded records. Every callback may return an error to stop reading: that error is
/// returned as is (use it for store failures). Defaults ignore the record.
class CmlVisitor {
public:
    virtual ~CmlVisitor() = default;
    virtual Status OnHeader(CmlHeader const& header);
    virtual Status OnGroup(CmlGroup const& group);
    virtual Status OnProperty(CmlProperty const& property);
    virtual Status OnPriceType(CmlPriceType const& price_type);
    virtual Status OnWarehouse(CmlWarehouse const& warehouse);
    virtual Status OnUnit(CmlUnit const& unit);
    virtual Status OnProduct(CmlProduct const& product);
    virtual Status OnOffer(CmlOffer const& offer);
    virtual Status OnCounterparty(CmlCounterparty const& counterparty);
    virtual Status OnDocument(CmlDocument const& document);
};

/// Incremental reader for the exchange endpoint's `mode=import` (commerceml.md §6 quirk 7): each
/// Next() does bounded work, Checkpoint() gives a resumable position between records.
/// A record that fails to decode is skipped and listed in Summary().problems; a malformed document
/// structure (and encoding/read errors) is fatal: Next() returns the error, later calls repeat it.
///
/// Threads: the calling thread splits the input; with ReaderOptions::decode_threads > 0 records are
/// copied into batches (at most 64 records or 512 KiB each) that worker threads parse and decode,
/// with at most decode_threads + 1 batches submitted and undelivered at a time. Decoded records are
/// handed to the visitor on the calling thread, in document order, and headers after every earlier
/// record. Not thread-safe: one thread calls Next(), Checkpoint() and Summary(). The destructor stops
/// and joins the workers.
class CmlStreamReader {
public:
    CmlStreamReader(std::istream& in, std::string file_label, ReaderOptions options, CmlVisitor& visitor);
    /// Resumes after a restart: `in` must be positioned at checkpoint.source_offset. The summary then
    /// counts only records read after the checkpoint.
    CmlStreamReader(std::istream& in, std::string file_label, ReaderOptions options, CmlVisitor& visitor,
                    SplitterCheckpoint checkpoint);
    ~CmlStreamReader();

    /// Reads until `max_records` more record elements were handed out (decoded or skipped) or the
    /// document ended. Every record read is delivered before Next returns, so Checkpoint() is after
    /// the last delivered record.
    Status Next(std::size_t max_records);
    bool Done() const noexcept { return done_; }
    SplitterCheckpoint Checkpoint() { return splitter_.Checkpoint(); }
    ReadSummary const& Summary() const noexcept { return summary_; }

private:
    struct DecodedRecord;
    struct RecordBatch;
    class DecodePipeline;

    Status ReadUpTo(std::size_t max_records);
    Status AddRecord(RawRecord const& record);
    Status SubmitBatch();
    Status DeliverPending();
    Status DeliverBatch(RecordBatch& batch);
    Status Deliver(RawRecord const& record, DecodedRecord const& decoded);
    Status Counted(CmlRecordKind kind, Status delivered);
    void AddProblem(RawRecord const& record, Error const& error);

    std::string label_;
    ReaderOptions options_;
    CmlVisitor& visitor_;
    DecodeContext ctx_;
    RecordSplitter splitter_;
    RecordParser parser_;  ///< for decode_threads == 0
    ReadSummary summary_;
    bool done_ = false;
    std::optional<Error> fatal_;
    // Declared after ctx_, which the workers read: destroyed (stopped and joined) first.
    std::unique_ptr<DecodePipeline> pipeline_;  ///< started with the first batch
    std::unique_ptr<RecordBatch> filling_;      ///< records split but not yet submitted
    std::unique_ptr<RecordBatch> spare_;        ///< a delivered batch kept for its buffers
};

/// Reads a whole document: the one-shot form of CmlStreamReader. Fatal errors as CmlStreamReader;
/// per-record problems are in the summary.
Result<ReadSummary> ReadCommerceMl(std::istream& in, std::string file_label, ReaderOptions options,
                                   CmlVisitor& visitor);

/// The same for a file, labelled with its file name. Extra error (Permanent): `cannot open <path>`.
Result<ReadSummary> ReadCommerceMlFile(std::filesystem::path const& path, ReaderOptions options, CmlVisitor& visitor);

}  // namespace b2b::onec
