// CatalogLanding's two-thread half: the reader thread (visitor callbacks) hands full batches of
// decoded rows to one writer thread through a bounded queue, so XML parsing and SQLite each get a
// core. Memory stays bounded: at most LandingOptions::max_queued_batches batches wait and one is
// being written; a batch is freed as soon as it is in the open transaction.
#include <pthread.h>
#include <time.h>

#include <chrono>
#include <utility>

#include "connectors/onec/catalog_landing.hpp"

namespace b2b::onec {
namespace {

// CPU time of the calling thread: unlike wall time, not inflated by other processes or by the
// writer waiting for batches.
std::chrono::nanoseconds ThreadCpuTime() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

CatalogLanding::~CatalogLanding() {
    std::unique_lock lock(mutex_);
    // Finish what was handed over, as the synchronous landing did for every full batch.
    commit_requested_ = true;
    changed_.notify_all();
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
        return *writer_error_;
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
    commit_requested_ = true;  // the writer keeps its transaction open for more batches otherwise
    changed_.notify_all();
    changed_.wait(lock, [this] { return writer_error_ || (queue_.empty() && !writer_busy_); });
    commit_requested_ = false;
    if (writer_error_) {
        return *writer_error_;
    }
    return {};
}

Status CatalogLanding::Flush() {
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

std::chrono::nanoseconds CatalogLanding::WriterCpuTime() const {
    std::lock_guard lock(mutex_);
    return writer_cpu_time_;
}

LandingStats const& CatalogLanding::Stats() const {
    (void)WaitUntilWritten();  // on failure: what was committed before it
    std::lock_guard lock(mutex_);
    return stats_;
}

void CatalogLanding::WriterLoop() {
    pthread_setname_np(pthread_self(), "b2b-cml-writer");  // for top -H and perf; errors do not matter
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || (!queue_.empty() && !writer_error_); });
        if (stopping_) {
            return;
        }
        writer_busy_ = true;
        lock.unlock();
        auto const started = ThreadCpuTime();
        Status st = WriteTransaction();
        auto const took = ThreadCpuTime() - started;
        lock.lock();
        writer_busy_ = false;
        writer_cpu_time_ += took;
        if (!st) {
            writer_error_ = st.error().WithContext("landing 1C exchange " + exchange_id_);
        }
        changed_.notify_all();
    }
}

// One transaction over the batches handed over, kept open while more arrive: it commits after
// max_records_per_transaction records, after max_transaction_time, or when a Flush waits and the
// queue is empty. Each batch is freed once written; on failure the landing stays failed.
Status CatalogLanding::WriteTransaction() {
    // Relaxed: not fsynced at commit. Durability is needed only at the endpoint's commit point
    // (Flush, which syncs the WAL once); a power loss before it means re-reading from the last
    // persisted checkpoint, and re-landing is idempotent.
    auto tx = store::Transaction::Begin(db_, "land 1C records", store::Transaction::Mode::kWrite,
                                        store::Transaction::Durability::kRelaxed);
    if (!tx) {
        return tx.error();
    }
    // Counted aside and merged only after the commit: stats count committed work only.
    LandingStats batch_stats;
    auto known_before = known_price_types_;
    batch_product_ids_.clear();
    auto const deadline = std::chrono::steady_clock::now() + options_.max_transaction_time;
    std::size_t records = 0;
    for (;;) {
        Batch batch;
        {
            std::unique_lock lock(mutex_);
            if (records >= options_.max_records_per_transaction) {
                break;
            }
            // An empty queue ends the transaction only when someone waits for the commit (or at
            // the deadline): committing whenever the writer catches up with the reader would
            // make a commit per batch.
            changed_.wait_until(lock, deadline, [this] { return !queue_.empty() || commit_requested_ || stopping_; });
            bool const overdue = std::chrono::steady_clock::now() >= deadline;
            if (queue_.empty() || (overdue && records > 0)) {
                break;
            }
            batch = std::move(queue_.front());
            queue_.pop_front();
            changed_.notify_all();  // room for the reader
        }
        for (auto const& record : batch) {
            if (auto st = Write(**tx, record, batch_stats); !st) {
                known_price_types_ = std::move(known_before);
                return st;
            }
        }
        if (auto st = CountOrphans(**tx, batch_stats); !st) {
            known_price_types_ = std::move(known_before);
            return st;
        }
        records += batch.size();
    }
    if (auto st = (*tx)->Commit(); !st) {
        known_price_types_ = std::move(known_before);
        return st;
    }
    std::lock_guard lock(mutex_);
    MergeCommitted(std::move(batch_stats));
    unsynced_commits_ = true;
    return {};
}

}  // namespace b2b::onec
