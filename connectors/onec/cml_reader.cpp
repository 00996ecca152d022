#include "connectors/onec/cml_reader.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "connectors/onec/classifier_decoder.hpp"
#include "connectors/onec/counterparty_decoder.hpp"
#include "connectors/onec/document_decoder.hpp"
#include "connectors/onec/offer_decoder.hpp"
#include "connectors/onec/product_decoder.hpp"

namespace b2b::onec {

std::size_t ReaderOptions::DefaultDecodeThreads() {
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
}

Status CmlVisitor::OnHeader(CmlHeader const&) { return {}; }
Status CmlVisitor::OnGroup(CmlGroup const&) { return {}; }
Status CmlVisitor::OnProperty(CmlProperty const&) { return {}; }
Status CmlVisitor::OnPriceType(CmlPriceType const&) { return {}; }
Status CmlVisitor::OnWarehouse(CmlWarehouse const&) { return {}; }
Status CmlVisitor::OnUnit(CmlUnit const&) { return {}; }
Status CmlVisitor::OnProduct(CmlProduct const&) { return {}; }
Status CmlVisitor::OnOffer(CmlOffer const&) { return {}; }
Status CmlVisitor::OnCounterparty(CmlCounterparty const&) { return {}; }
Status CmlVisitor::OnDocument(CmlDocument const&) { return {}; }

namespace {

// A batch costs one lock and one wake-up to hand over and back; these sizes make that negligible
// while a few batches in flight stay a few MiB.
constexpr std::size_t kBatchRecords = 64;
constexpr std::size_t kBatchBytes = 512 * 1024;

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};

using Decoded = std::variant<Error, std::vector<CmlGroup>, CmlProperty, CmlPriceType, CmlWarehouse, CmlUnit, CmlProduct,
                             CmlOffer, CmlCounterparty, CmlDocument>;

template <class T>
Decoded Take(Result<T>&& result) {
    if (!result) {
        return std::move(result).error();
    }
    return std::move(*result);
}

// Parses and decodes one record; a decode failure is the Error alternative. Safe to call on any
// thread with that thread's own parser.
Decoded DecodeRecord(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    switch (record.kind) {
        case CmlRecordKind::kGroup:
            return Take(DecodeGroup(record, ctx, parser));
        case CmlRecordKind::kProperty:
            return Take(DecodeProperty(record, ctx, parser));
        case CmlRecordKind::kPriceType:
            return Take(DecodePriceType(record, ctx, parser));
        case CmlRecordKind::kWarehouse:
            return Take(DecodeWarehouse(record, ctx, parser));
        case CmlRecordKind::kUnit:
            return Take(DecodeUnit(record, ctx, parser));
        case CmlRecordKind::kProduct:
            return Take(DecodeProduct(record, ctx, parser));
        case CmlRecordKind::kOffer:
            return Take(DecodeOffer(record, ctx, parser));
        case CmlRecordKind::kCounterparty:
            return Take(DecodeCounterparty(record, ctx, parser));
        case CmlRecordKind::kDocument:
            return Take(DecodeDocument(record, ctx, parser));
    }
    return Error::Permanent(fmt::format("unknown record kind {}", static_cast<int>(record.kind)));
}

}  // namespace

struct CmlStreamReader::DecodedRecord {
    Decoded value;
};

/// Records copied out of the splitter's buffer, and once decoded their results (same order).
struct CmlStreamReader::RecordBatch {
    std::string text;                ///< the records' XML back to back
    std::vector<RawRecord> records;  ///< `xml` points into `text` once Seal() ran
    std::vector<std::size_t> ends;   ///< end of each record's XML in `text`
    std::vector<DecodedRecord> results;
    std::exception_ptr failure;  ///< an exception thrown while decoding, rethrown on the calling thread
    bool decoded = false;        ///< guarded by the pipeline's mutex while submitted

    void Add(RawRecord const& record) {
        records.push_back(record);
        text.append(record.xml);
        ends.push_back(text.size());
    }
    bool Full() const { return records.size() >= kBatchRecords || text.size() >= kBatchBytes; }
    // Points the records at `text`, which no longer grows.
    void Seal() {
        std::size_t begin = 0;
        for (std::size_t i = 0; i < records.size(); ++i) {
            records[i].xml = std::string_view(text).substr(begin, ends[i] - begin);
            begin = ends[i];
        }
    }
    // Ready for reuse. `results` stay: the worker frees them before decoding into this batch again.
    void Clear() {
        text.clear();
        records.clear();
        ends.clear();
        failure = nullptr;
        decoded = false;
    }
};

/// Worker threads decoding submitted batches. Submit/TakeOldest/InFlight are called by the reader's
/// thread only; a submitted batch belongs to the workers until it is marked decoded (under mu_).
class CmlStreamReader::DecodePipeline {
public:
    DecodePipeline(std::size_t threads, DecodeContext const& ctx) : ctx_(ctx) {
        workers_.reserve(threads);
        for (std::size_t i = 0; i < threads; ++i) {
            workers_.emplace_back([this] { Work(); });
        }
    }

    // Workers finish the batch in hand, leave the rest undecoded and are joined.
    ~DecodePipeline() {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        work_ready_.notify_all();
        for (auto& w : workers_) {
            w.join();
        }
    }

    DecodePipeline(DecodePipeline const&) = delete;
    DecodePipeline& operator=(DecodePipeline const&) = delete;

    void Submit(std::unique_ptr<RecordBatch> batch) {
        batch->Seal();
        {
            std::lock_guard lock(mu_);
            queue_.push_back(batch.get());
        }
        in_flight_.push_back(std::move(batch));
        work_ready_.notify_one();
    }

    std::size_t InFlight() const { return in_flight_.size(); }

    bool OldestDecoded() {
        std::lock_guard lock(mu_);
        return !in_flight_.empty() && in_flight_.front()->decoded;
    }

    /// Waits for the oldest submitted batch; rethrows what its decoding threw.
    std::unique_ptr<RecordBatch> TakeOldest() {
        {
            std::unique_lock lock(mu_);
            batch_done_.wait(lock, [this] { return in_flight_.front()->decoded; });
        }
        auto batch = std::move(in_flight_.front());
        in_flight_.pop_front();
        if (batch->failure) {
            std::rethrow_exception(batch->failure);
        }
        return batch;
    }

private:
    void Work() {
        RecordParser parser;
        for (;;) {
            RecordBatch* batch = nullptr;
            {
                std::unique_lock lock(mu_);
                work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (stopping_) {
                    return;
                }
                batch = queue_.front();
                queue_.pop_front();
            }
            Decode(*batch, parser);
            {
                std::lock_guard lock(mu_);
                batch->decoded = true;
            }
            batch_done_.notify_one();
        }
    }

    void Decode(RecordBatch& batch, RecordParser& parser) const {
        try {
            // The previous use's results are freed here, by the thread that allocated them: glibc
            // frees another thread's memory under that arena's lock, which costs more than decoding.
            batch.results.clear();
            batch.results.reserve(batch.records.size());
            for (auto const& record : batch.records) {
                batch.results.push_back(DecodedRecord{DecodeRecord(record, ctx_, parser)});
            }
        } catch (...) {
            batch.failure = std::current_exception();
        }
    }

    DecodeContext const& ctx_;
    std::mutex mu_;
    std::condition_variable work_ready_;
    std::condition_variable batch_done_;
    // Guarded by mu_: batches submitted but not yet taken by a worker, and the stop request.
    std::deque<RecordBatch*> queue_;
    bool stopping_ = false;
    // The reader's thread only: batches submitted and not yet delivered, in document order.
    std::deque<std::unique_ptr<RecordBatch>> in_flight_;
    // Last: the workers start once everything above exists.
    std::vector<std::thread> workers_;
};

CmlStreamReader::CmlStreamReader(std::istream& in, std::string file_label, ReaderOptions options,
                                 CmlVisitor& visitor)
    : label_(std::move(file_label)),
      options_(options),
      visitor_(visitor),
      ctx_{label_, options.default_utc_offset},
      splitter_(in, label_, options.splitter) {}

CmlStreamReader::CmlStreamReader(std::istream& in, std::string file_label, ReaderOptions options,
                                 CmlVisitor& visitor, SplitterCheckpoint checkpoint)
    : label_(std::move(file_label)),
      options_(options),
      visitor_(visitor),
      ctx_{label_, options.default_utc_offset},
      splitter_(in, label_, options.splitter, std::move(checkpoint)) {}

CmlStreamReader::~CmlStreamReader() = default;

void CmlStreamReader::AddProblem(RawRecord const& record, Error const& error) {
    ++summary_.skipped;
    if (summary_.problems.size() < options_.max_problems_kept) {
        summary_.problems.push_back(RecordProblem{record.kind, record.path, record.line, record.column, error.message});
    }
}

Status CmlStreamReader::Counted(CmlRecordKind kind, Status delivered) {
    if (delivered) {
        ++summary_.decoded[static_cast<std::size_t>(kind)];
    }
    return delivered;
}

Status CmlStreamReader::Deliver(RawRecord const& record, DecodedRecord const& decoded) {
    ++summary_.raw_records;
    auto const kind = record.kind;
    return std::visit(
        Overloaded{
            [&](Error const& e) -> Status {
                AddProblem(record, e);
                return {};
            },
            [&](std::vector<CmlGroup> const& groups) -> Status {
                for (auto const& g : groups) {
                    if (auto st = Counted(CmlRecordKind::kGroup, visitor_.OnGroup(g)); !st) {
                        return st;
                    }
                }
                return {};
            },
            [&](CmlProperty const& v) { return Counted(kind, visitor_.OnProperty(v)); },
            [&](CmlPriceType const& v) { return Counted(kind, visitor_.OnPriceType(v)); },
            [&](CmlWarehouse const& v) { return Counted(kind, visitor_.OnWarehouse(v)); },
            [&](CmlUnit const& v) { return Counted(kind, visitor_.OnUnit(v)); },
            [&](CmlProduct const& v) { return Counted(kind, visitor_.OnProduct(v)); },
            [&](CmlOffer const& v) { return Counted(kind, visitor_.OnOffer(v)); },
            [&](CmlCounterparty const& v) { return Counted(kind, visitor_.OnCounterparty(v)); },
            [&](CmlDocument const& v) { return Counted(kind, visitor_.OnDocument(v)); },
        },
        decoded.value);
}

Status CmlStreamReader::DeliverBatch(RecordBatch& batch) {
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        if (auto st = Deliver(batch.records[i], batch.results[i]); !st) {
            return st;
        }
    }
    return {};
}

Status CmlStreamReader::AddRecord(RawRecord const& record) {
    if (options_.decode_threads == 0) {
        return Deliver(record, DecodedRecord{DecodeRecord(record, ctx_, parser_)});
    }
    if (!filling_) {
        filling_ = spare_ ? std::move(spare_) : std::make_unique<RecordBatch>();
    }
    filling_->Add(record);
    return filling_->Full() ? SubmitBatch() : Status{};
}

Status CmlStreamReader::SubmitBatch() {
    if (!pipeline_) {
        pipeline_ = std::make_unique<DecodePipeline>(options_.decode_threads, ctx_);
    }
    pipeline_->Submit(std::move(filling_));
    // Deliver what is decoded already; wait for the oldest batch when the in-flight bound is reached.
    while (pipeline_->InFlight() > options_.decode_threads || pipeline_->OldestDecoded()) {
        auto batch = pipeline_->TakeOldest();
        if (auto st = DeliverBatch(*batch); !st) {
            return st;
        }
        batch->Clear();
        spare_ = std::move(batch);
    }
    return {};
}

Status CmlStreamReader::DeliverPending() {
    if (filling_ && !filling_->records.empty()) {
        if (auto st = SubmitBatch(); !st) {
            return st;
        }
    }
    while (pipeline_ && pipeline_->InFlight() > 0) {
        auto batch = pipeline_->TakeOldest();
        if (auto st = DeliverBatch(*batch); !st) {
            return st;
        }
        batch->Clear();
        spare_ = std::move(batch);
    }
    return {};
}

Status CmlStreamReader::ReadUpTo(std::size_t max_records) {
    std::size_t handled = 0;
    while (!done_ && handled < max_records) {
        auto ev = splitter_.Next();
        if (!ev) {
            // The records before the error are delivered as when decoding inline; a visitor error
            // among them comes first.
            if (auto st = DeliverPending(); !st) {
                return st;
            }
            return ev.error();
        }
        summary_.source_bytes = splitter_.SourceBytesRead();
        summary_.peak_buffer_bytes = splitter_.PeakBufferBytes();
        switch (ev->type) {
            case SplitEventType::kEnd:
                done_ = true;
                break;
            case SplitEventType::kHeader:
                if (auto st = DeliverPending(); !st) {
                    return st;
                }
                summary_.headers.push_back(ev->header);
                if (auto st = visitor_.OnHeader(ev->header); !st) {
                    return st;
                }
                break;
            case SplitEventType::kRecord:
                ++handled;
                if (auto st = AddRecord(ev->record); !st) {
                    return st;
                }
                break;
        }
    }
    // Checkpoint() is the splitter's position: nothing before it may stay undelivered.
    return DeliverPending();
}

Status CmlStreamReader::Next(std::size_t max_records) {
    if (fatal_) {
        return *fatal_;
    }
    auto st = ReadUpTo(max_records);
    if (!st) {
        fatal_ = st.error();
    }
    return st;
}

Result<ReadSummary> ReadCommerceMl(std::istream& in, std::string file_label, ReaderOptions options,
                                   CmlVisitor& visitor) {
    CmlStreamReader reader(in, std::move(file_label), options, visitor);
    while (!reader.Done()) {
        if (auto st = reader.Next(1024); !st) {
            return st.error();
        }
    }
    return reader.Summary();
}

Result<ReadSummary> ReadCommerceMlFile(std::filesystem::path const& path, ReaderOptions options, CmlVisitor& visitor) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error::Permanent(fmt::format("cannot open {}", path.string()));
    }
    return ReadCommerceMl(in, path.filename().string(), options, visitor);
}

}  // namespace b2b::onec
