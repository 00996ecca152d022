#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <variant>
#include <vector>

#include "connectors/onec/cml_reader.hpp"
#include "connectors/onec/import_tally.hpp"
#include "core/store/catalog_repository.hpp"
#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

struct LandingOptions {
    /// Records per batch handed to the writer thread; a record is one visitor callback (an offer
    /// with its prices and stock is one record).
    std::size_t batch_size = 500;
    /// Batches waiting for the writer at most; the reader waits when the queue is full. Bounds
    /// memory (each batch is decoded rows) while parsing overlaps the SQLite work.
    std::size_t max_queued_batches = 4;
    /// A write transaction stays open across batches until it has written this many records, or
    /// has been open for max_transaction_time, or a Flush asks for the commit. Each commit writes
    /// every page it dirtied to the WAL, and 1C Ид are random GUIDs, so the onec_id indexes of a
    /// large catalog are dirtied nearly whole by every commit: fewer commits, fewer page writes.
    std::size_t max_records_per_transaction = 25000;
    /// Bounds how long the store's connection is held at once (other writers, e.g. the job queue,
    /// wait for it).
    std::chrono::milliseconds max_transaction_time{500};
    /// Warnings beyond this are counted, not listed.
    std::size_t max_warnings_kept = 100;
};

/// Rows written per kind.
struct LandingCounts {
    std::uint64_t inserted = 0;
    std::uint64_t updated = 0;
    std::uint64_t unchanged = 0;
    std::uint64_t Total() const { return inserted + updated + unchanged; }
};

/// A price whose ИдТипаЦены names no known price type: stored anyway, reported here.
struct UnknownPriceType {
    std::string offer_id;
    std::string price_type_id;
    friend bool operator==(UnknownPriceType const&, UnknownPriceType const&) = default;
};

/// What a landing did, for the endpoint's answer text and metrics. Counts only committed work.
struct LandingStats {
    LandingCounts price_types, warehouses, units, groups, products, offers, prices, stock, counterparties, documents;
    std::uint64_t products_deactivated = 0;  ///< missing from a full package
    std::uint64_t offers_deactivated = 0;
    /// Offer records landed whose product was not (yet) in the store. They are kept; the join on
    /// offers.product_id starts working when the product lands.
    std::uint64_t orphan_offers = 0;
    std::uint64_t unknown_price_type_count = 0;         ///< every occurrence
    std::vector<UnknownPriceType> unknown_price_types;  ///< the first LandingOptions::max_warnings_kept
    std::uint64_t skipped = 0;  ///< records without a usable Ид (a unit with neither Ид nor Код)

    /// Sum over all kinds.
    LandingCounts All() const;
    /// The same counts as the endpoint sums them over a file's slices.
    ImportTally Tally() const;
    /// One line for logs, e.g. "products 36 (+36 ~0 =0), offers 44 (+44 ~0 =0), ..., orphan offers 0,
    /// unknown price types 0" (ImportTally::Summary).
    std::string Summary() const { return Tally().Summary(); }
};

/// Lands what 1C sends (commerceml.md §6) into the store, idempotently: a CmlVisitor that buffers
/// decoded records in batches of LandingOptions::batch_size and hands them to its own writer
/// thread, which writes them through store::CatalogRepository (one transaction stays open across
/// batches, see LandingOptions), so parsing and SQLite run at the same time. One object per import
/// slice of a file.
///
/// Rules: rows are keyed strictly by 1C Ид; deletion marks deactivate, never delete; price types are
/// matched by Ид wherever (and in whichever earlier package) they were declared; a price of an
/// unknown type is stored and reported; offers of unknown products are stored and counted; landing
/// the same package again changes nothing (every row is reported unchanged and no updated_at moves).
///
/// The visitor side is not thread-safe (one reading thread); the Database may be shared (every
/// write takes a Transaction, on the writer thread). A writer failure is returned by the next
/// callback, Flush or Finish, and by every later one: the records of the failed transaction are
/// gone (batches are freed as soon as they are written, so memory does not grow with the
/// transaction), and the caller re-reads from its last persisted checkpoint with a new landing
/// (the endpoint builds one landing per import slice and persists its checkpoint only after Flush).
/// Batches already handed to the writer are committed before the destructor returns (as the old
/// synchronous flush of a full batch was); records not yet in a batch are dropped. The writer
/// commits with Durability::kRelaxed and Flush makes it all durable with one WAL sync: the
/// endpoint's commit point is Flush() followed by persisting the reader checkpoint.
class CatalogLanding final : public CmlVisitor {
public:
    CatalogLanding(store::Database& db, Clock const& clock, std::string exchange_id, LandingOptions options = {});
    ~CatalogLanding() override;
    CatalogLanding(CatalogLanding const&) = delete;
    CatalogLanding& operator=(CatalogLanding const&) = delete;

    /// Hands the buffered records to the writer and waits until everything handed over is
    /// committed. Called by the endpoint at the end of each bounded import slice, before it
    /// persists the reader checkpoint.
    /// Errors: the store's (transient on lock contention); the landing stays failed (see above).
    Status Flush();

    /// End of a file: flushes, then for each full package seen (СодержитТолькоИзменения false on
    /// Каталог / ПакетПредложений) deactivates the products / offers of that catalog that this
    /// exchange did not mention. A partial package (or an absent flag) deactivates nothing.
    /// When a full catalog is split over several files, call Finish only after the last one.
    Status Finish();

    /// What was committed; waits until the writer has finished what it was handed (not the
    /// records still buffered on the reader side).
    LandingStats const& Stats() const;

    /// CPU time the writer thread spent in transactions so far: with the reader thread's beside
    /// it, tells which side of the landing is the bottleneck (commerceml_bench prints both).
    std::chrono::nanoseconds WriterCpuTime() const;

    // CmlVisitor
    Status OnHeader(CmlHeader const& header) override;
    Status OnGroup(CmlGroup const& group) override;
    Status OnPriceType(CmlPriceType const& price_type) override;
    Status OnWarehouse(CmlWarehouse const& warehouse) override;
    Status OnUnit(CmlUnit const& unit) override;
    Status OnProduct(CmlProduct const& product) override;
    Status OnOffer(CmlOffer const& offer) override;
    Status OnCounterparty(CmlCounterparty const& counterparty) override;
    Status OnDocument(CmlDocument const& document) override;

private:
    struct PendingOffer {
        store::OfferRow offer;
        store::OfferValues values;  ///< packed on the reading thread: the writer only writes
    };
    using Pending = std::variant<store::PriceTypeRow, store::WarehouseRow, store::UnitRow, store::ProductGroupRow,
                                 store::ProductRow, PendingOffer, store::OnecCounterpartyRow, store::OnecDocumentRow>;

    using Batch = std::vector<Pending>;

    Status Add(Pending record);
    // Reader side (catalog_landing_writer.cpp): queue the filling batch; wait for the writer.
    Status HandOff();
    Status WaitUntilWritten() const;
    // Writer thread (catalog_landing_writer.cpp).
    void WriterLoop();
    Status WriteTransaction();
    Status Write(store::Transaction& tx, Pending const& record, LandingStats& stats);
    Status WriteOffer(store::Transaction& tx, PendingOffer const& record, LandingStats& stats);
    /// Adds to `stats` the offers of the batch just written whose product is not stored.
    Status CountOrphans(store::Transaction& tx, LandingStats& stats);
    void MergeCommitted(LandingStats&& batch);

    store::Database& db_;
    store::CatalogRepository repo_;  ///< used by the writer thread (and by Finish when it is idle)
    std::string exchange_id_;
    LandingOptions options_;
    Batch filling_;  ///< reader side: records not yet handed over

    // Shared between the reader and the writer thread, under mutex_.
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;  ///< any change of the fields below
    std::deque<Batch> queue_;                  ///< handed over, oldest first
    bool writer_busy_ = false;                 ///< inside WriteTransaction
    std::optional<Error> writer_error_;        ///< a failed transaction: sticky
    mutable bool commit_requested_ = false;    ///< Flush (or the destructor) waits: commit once the queue is empty
    bool stopping_ = false;
    LandingStats stats_;              ///< committed work only
    bool unsynced_commits_ = false;  ///< relaxed commits since the last Flush synced the WAL
    std::chrono::nanoseconds writer_cpu_time_{0};
    std::thread writer_;  ///< started with the first hand-over

    // Reader side.
    std::string product_catalog_id_;  ///< Ид of the Каталог being read
    std::string offer_catalog_id_;    ///< ИдКаталога of the ПакетПредложений being read
    bool in_offer_package_ = false;   ///< a ТипЦены now comes from a ПакетПредложений
    std::set<std::string> full_product_catalogs_;
    std::set<std::string> full_offer_catalogs_;

    // Writer thread only (and Finish while it is idle).
    std::unordered_set<std::string> known_price_types_;  ///< positive lookups only
    std::vector<std::string> batch_product_ids_;         ///< products of the batch's offers, for CountOrphans
};

}  // namespace b2b::onec
