// CatalogLanding's two-thread half: the reader thread (visitor callbacks) hands full batches of
// decoded rows to one writer thread through a bounded queue, so XML parsing and SQLite each get a
// core. Memory stays bounded: at most LandingOptions::max_queued_batches batches wait, plus what
// the open transaction holds for a retry (max_records_per_transaction).
#include <chrono>
#include <utility>

#include "connectors/onec/catalog_landing.hpp"

namespace b2b::onec {

CatalogLanding::~CatalogLanding() {
    std::unique_lock lock(mutex_);
    // Finish what was handed over, as the synchronous landing did for every full batch; a failed
    // writer is not retried here (the endpoint did not persist a checkpoint past those records).
    changed_.wait(lock, [this] { return writer_error_ || (queue_.empty() && !writer_busy_); });
    stopping_ = true;
    changed_.notify_all();
    lock.unlock();
    if (writer_.joinable()) {
        writer_.join();
    }
}

Status CatalogLanding::HandOff() {
    if (filling_.empty()) {
        return {};
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return writer_error_ || queue_.size() < options_.max_queued_batches; });
    if (writer_error_) {
        return *writer_error_;  // the batch stays in filling_; Flush retries the queue first
    }
    queue_.push_back(std::move(filling_));
    filling_ = Batch();
    filling_.reserve(options_.batch_size);
    if (!writer_.joinable()) {
        writer_ = std::thread([this] { WriterLoop(); });
    }
    changed_.notify_all();
    return {};
}

Status CatalogLanding::WaitUntilWritten() const {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return writer_error_ || (queue_.empty() && !writer_busy_); });
    if (writer_error_) {
        return *writer_error_;
    }
    return {};
}

Status CatalogLanding::Flush() {
    {
        // A retry: let the writer take the failed batches again.
        std::lock_guard lock(mutex_);
        if (writer_error_) {
            writer_error_.reset();
            changed_.notify_all();
        }
    }
    if (auto st = HandOff(); !st) {
        return st;
    }
    if (auto st = WaitUntilWritten(); !st) {
        return st;
    }
    // The writer is idle: nothing else touches unsynced_commits_ now.
    if (unsynced_commits_) {
        if (auto st = db_.SyncWal(); !st) {
            return st.error().WithContext("landing 1C exchange " + exchange_id_);
        }
        unsynced_commits_ = false;
    }
    return {};
}

std::chrono::nanoseconds CatalogLanding::WriterBusyTime() const {
    std::lock_guard lock(mutex_);
    return writer_busy_time_;
}

LandingStats const& CatalogLanding::Stats() const {
    (void)WaitUntilWritten();  // on failure: what was committed before it
    std::lock_guard lock(mutex_);
    return stats_;
}

void CatalogLanding::WriterLoop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || (!queue_.empty() && !writer_error_); });
        if (stopping_) {
            return;
        }
        writer_busy_ = true;
        lock.unlock();
        auto const started = std::chrono::steady_clock::now();
        Status st = WriteTransaction();
        auto const took = std::chrono::steady_clock::now() - started;
        lock.lock();
        writer_busy_ = false;
        writer_busy_time_ += took;
        if (!st) {
            writer_error_ = st.error().WithContext("landing 1C exchange " + exchange_id_);
        }
        changed_.notify_all();
    }
}

// One transaction over the batches waiting now (at least one), up to max_records_per_transaction
// records. On failure the batches go back to the front of the queue in their order.
Status CatalogLanding::WriteTransaction() {
    // Relaxed: not fsynced at commit. Durability is needed only at the endpoint's commit point
    // (Flush, which syncs the WAL once); a power loss before it means re-reading from the last
    // persisted checkpoint, and re-landing is idempotent. Saves an fsync of every page the
    // transaction dirtied, which with random 1C Ид is most of the prices/stock tables.
    auto tx = store::Transaction::Begin(db_, "land 1C records", store::Transaction::Mode::kWrite,
                                        store::Transaction::Durability::kRelaxed);
    if (!tx) {
        return tx.error();
    }
    std::deque<Batch> taken;
    auto give_back = [this, &taken] {
        std::lock_guard lock(mutex_);
        while (!taken.empty()) {
            queue_.push_front(std::move(taken.back()));
            taken.pop_back();
        }
    };
    // Counted aside and merged only after the commit, so a failed transaction that is retried
    // does not count twice.
    LandingStats batch;
    auto known_before = known_price_types_;
    last_product_known_.reset();  // answers are valid within one transaction only
    std::size_t records = 0;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty() || records >= options_.max_records_per_transaction) {
                break;
            }
            taken.push_back(std::move(queue_.front()));
            queue_.pop_front();
            changed_.notify_all();  // room for the reader
        }
        for (auto const& record : taken.back()) {
            if (auto st = Write(**tx, record, batch); !st) {
                known_price_types_ = std::move(known_before);
                give_back();
                return st;
            }
        }
        records += taken.back().size();
    }
    if (auto st = (*tx)->Commit(); !st) {
        known_price_types_ = std::move(known_before);
        give_back();
        return st;
    }
    std::lock_guard lock(mutex_);
    MergeCommitted(std::move(batch));
    unsynced_commits_ = true;
    return {};
}

}  // namespace b2b::onec
