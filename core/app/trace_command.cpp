#include "core/app/trace_command.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <ostream>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/store/database.hpp"

namespace b2b::app {
namespace {

// The kind the links table files orders under (core/sync flows write it).
constexpr char const* kOrderKind = "order";

struct Link {
    std::string system;
    std::string external_id;
};

struct TimelineEntry {
    UnixMillis at = 0;
    std::string source;  // "job", "audit", "event"
    std::string text;
};

/// Everything the store knows that identifies the traced order.
struct Identity {
    std::string canonical_id;
    std::vector<Link> links;
    std::set<std::string> keys;  // canonical id + external ids: what jobs, audit and feeds use
    std::optional<std::int64_t> deal_id;
};

Result<bool> TableExists(store::Database& db, char const* name) {
    auto stmt = db.Prepare("trace: table exists", "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, std::string_view(name));
    return stmt->Step();
}

Result<std::optional<std::string>> FindCanonicalId(store::Database& db, std::string const& id) {
    auto stmt = db.Prepare("trace: resolve order id",
                           "SELECT canonical_id FROM links WHERE kind = ?1 AND (canonical_id = ?2 OR external_id = ?2) "
                           "ORDER BY canonical_id = ?2 DESC, system LIMIT 1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, kOrderKind).Bind(2, std::string_view(id));
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<std::string>{};
    }
    return std::optional<std::string>(stmt->ColumnText(0));
}

Result<std::vector<Link>> LinksOf(store::Database& db, std::string const& canonical_id) {
    auto stmt = db.Prepare("trace: links of order",
                           "SELECT system, external_id FROM links WHERE kind = ?1 AND canonical_id = ?2 ORDER BY system");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, kOrderKind).Bind(2, std::string_view(canonical_id));
    std::vector<Link> links;
    for (;;) {
        auto row = stmt->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return links;
        }
        links.push_back({stmt->ColumnText(0), stmt->ColumnText(1)});
    }
}

Result<bool> AnyJobFor(store::Database& db, std::string const& key) {
    auto stmt = db.Prepare("trace: jobs of key", "SELECT 1 FROM jobs WHERE entity_key = ?1 LIMIT 1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, std::string_view(key));
    return stmt->Step();
}

Status AppendJobs(store::Database& db, std::string const& key, std::vector<TimelineEntry>& timeline) {
    auto stmt = db.Prepare("trace: jobs",
                           "SELECT id, target, kind, state, attempts, max_attempts, created_at, updated_at, done_at, "
                           "last_error_class, last_error FROM jobs WHERE entity_key = ?1 ORDER BY id");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, std::string_view(key));
    for (;;) {
        auto row = stmt->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return {};
        }
        std::string const state = stmt->ColumnText(3);
        std::string text = fmt::format("job #{} {} {} queued", stmt->ColumnInt64(0), stmt->ColumnText(1),
                                       stmt->ColumnText(2));
        timeline.push_back({stmt->ColumnInt64(6), "job", text});
        std::string outcome = fmt::format("job #{} {} {} attempts {}/{}", stmt->ColumnInt64(0), stmt->ColumnText(1),
                                          state, stmt->ColumnInt64(4), stmt->ColumnInt64(5));
        std::string const error = stmt->ColumnText(10);
        if (!error.empty()) {
            outcome += fmt::format(" last error [{}] {}", stmt->ColumnText(9), error);
        }
        UnixMillis const done_at = stmt->ColumnInt64(8);
        timeline.push_back({done_at != 0 ? done_at : stmt->ColumnInt64(7), "job", outcome});
    }
}

Status AppendAudit(store::Database& db, std::string const& key, std::vector<TimelineEntry>& timeline) {
    auto stmt = db.Prepare("trace: audit",
                           "SELECT at, actor, system, field, old_value, new_value, reason FROM audit "
                           "WHERE entity_kind = ?1 AND entity_id = ?2 ORDER BY id");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, kOrderKind).Bind(2, std::string_view(key));
    for (;;) {
        auto row = stmt->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return {};
        }
        std::string text = fmt::format("{} by {} ({}): {} -> {}", stmt->ColumnText(3), stmt->ColumnText(1),
                                       stmt->ColumnText(2), stmt->ColumnOptionalText(4).value_or("(none)"),
                                       stmt->ColumnOptionalText(5).value_or("(none)"));
        std::string const reason = stmt->ColumnText(6);
        if (!reason.empty()) {
            text += " — " + reason;
        }
        timeline.push_back({stmt->ColumnInt64(0), "change", text});
    }
}

Status AppendDealEvents(store::Database& db, std::int64_t deal_id, std::vector<TimelineEntry>& timeline) {
    auto stmt = db.Prepare("trace: bitrix24 events",
                           "SELECT received_at, event, source, processed_at, outcome FROM bitrix24_event_inbox "
                           "WHERE entity_type = 'deal' AND entity_id = ?1 ORDER BY id");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, deal_id);
    for (;;) {
        auto row = stmt->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return {};
        }
        std::string text = fmt::format("bitrix24 {} ({})", stmt->ColumnText(1), stmt->ColumnText(2));
        text += stmt->ColumnIsNull(3) ? " waiting" : " processed";
        if (auto outcome = stmt->ColumnOptionalText(4); outcome && !outcome->empty()) {
            text += ": " + *outcome;
        }
        timeline.push_back({stmt->ColumnInt64(0), "event", text});
    }
}

Status PrintOnecFeed(store::Database& db, Identity const& identity, std::ostream& out) {
    auto stmt = db.Prepare("trace: 1C feed",
                           "SELECT version, confirmed_version, queued_at FROM onec_order_feed WHERE order_id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    for (auto const& key : identity.keys) {
        stmt->Bind(1, std::string_view(key));
        auto row = stmt->Step();
        if (!row) {
            return row.error();
        }
        if (*row) {
            std::int64_t const version = stmt->ColumnInt64(0);
            std::int64_t const confirmed = stmt->ColumnInt64(1);
            out << fmt::format("  1C feed: document {} version {}, confirmed by 1C up to {} ({}), queued {}\n", key,
                               version, confirmed, confirmed >= version ? "delivered" : "waiting for 1C's query",
                               FormatUtc(stmt->ColumnInt64(2)));
            return {};
        }
    }
    out << "  1C feed: not queued for 1C\n";
    return {};
}

Status PrintDealState(store::Database& db, std::int64_t deal_id, std::ostream& out) {
    auto stmt = db.Prepare("trace: deal state",
                           "SELECT stage_id, category_id, seen_at FROM bitrix24_deal_state WHERE deal_id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, deal_id);
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    if (*row) {
        out << fmt::format("  Bitrix24 deal {}: stage {} in pipeline {} (as of {})\n", deal_id, stmt->ColumnText(0),
                           stmt->ColumnInt64(1), FormatUtc(stmt->ColumnInt64(2)));
    } else {
        out << fmt::format("  Bitrix24 deal {}: no stage seen yet\n", deal_id);
    }
    return {};
}

Status PrintStoredOrder(store::Database& db, std::string const& canonical_id, std::ostream& out) {
    auto exists = TableExists(db, "orders");
    if (!exists) {
        return exists.error();
    }
    if (!*exists) {
        return {};
    }
    auto stmt = db.Prepare("trace: stored order",
                           "SELECT number, stage, version, updated_at FROM orders WHERE id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, std::string_view(canonical_id));
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    if (*row) {
        out << fmt::format("  b2bsync: number {}, stage {}, version {}, updated {}\n", stmt->ColumnText(0),
                           stmt->ColumnText(1), stmt->ColumnInt64(2), FormatUtc(stmt->ColumnInt64(3)));
    }
    return {};
}

Result<std::optional<Identity>> Resolve(store::Database& db, std::string const& id) {
    auto canonical = FindCanonicalId(db, id);
    if (!canonical) {
        return canonical.error();
    }
    Identity identity;
    identity.canonical_id = canonical->value_or(id);
    if (*canonical) {
        auto links = LinksOf(db, identity.canonical_id);
        if (!links) {
            return links.error();
        }
        identity.links = std::move(*links);
    } else {
        // Not linked (yet): the id may still be a job's entity key, e.g. an order whose first
        // delivery is pending.
        auto any = AnyJobFor(db, id);
        if (!any) {
            return any.error();
        }
        if (!*any) {
            return std::optional<Identity>{};
        }
    }
    identity.keys.insert(identity.canonical_id);
    for (auto const& link : identity.links) {
        identity.keys.insert(link.external_id);
        if (link.system == "bitrix24") {
            try {
                identity.deal_id = std::stoll(link.external_id);
            } catch (std::exception const&) {
                // A non-numeric id cannot be a deal id; the link is printed as it is.
            }
        }
    }
    return std::optional<Identity>(std::move(identity));
}

Status Trace(store::Database& db, std::string const& id, std::ostream& out, bool& found) {
    auto tx = store::Transaction::Begin(db, "trace order", store::Transaction::Mode::kRead);
    if (!tx) {
        return tx.error();
    }
    auto identity = Resolve(db, id);
    if (!identity) {
        return identity.error();
    }
    found = identity->has_value();
    if (!found) {
        return {};
    }
    Identity const& who = **identity;
    out << "Order " << who.canonical_id << "\n";
    if (who.links.empty()) {
        out << "  ids: not linked to any system yet\n";
    }
    for (auto const& link : who.links) {
        out << fmt::format("  {:<9} {}\n", link.system, link.external_id);
    }
    if (auto status = PrintStoredOrder(db, who.canonical_id, out); !status) {
        return status;
    }
    if (auto status = PrintOnecFeed(db, who, out); !status) {
        return status;
    }
    if (who.deal_id) {
        if (auto status = PrintDealState(db, *who.deal_id, out); !status) {
            return status;
        }
    }

    std::vector<TimelineEntry> timeline;
    for (auto const& key : who.keys) {
        if (auto status = AppendJobs(db, key, timeline); !status) {
            return status;
        }
        if (auto status = AppendAudit(db, key, timeline); !status) {
            return status;
        }
    }
    if (who.deal_id) {
        if (auto status = AppendDealEvents(db, *who.deal_id, timeline); !status) {
            return status;
        }
    }
    std::stable_sort(timeline.begin(), timeline.end(),
                     [](TimelineEntry const& a, TimelineEntry const& b) { return a.at < b.at; });
    out << "Timeline (UTC):\n";
    if (timeline.empty()) {
        out << "  (nothing yet)\n";
    }
    for (auto const& entry : timeline) {
        out << fmt::format("  {}  {:<6}  {}\n", FormatUtc(entry.at), entry.source, entry.text);
    }
    return {};
}

}  // namespace

int TraceOrder(StatePaths const& paths, std::string const& order, std::ostream& out, std::ostream& err) {
    if (!std::filesystem::exists(paths.database)) {
        err << "b2bsync trace: no database at " << paths.database.string()
            << " (has the daemon run with this config? check state_dir and store.path)\n";
        return kExitUnavailable;
    }
    auto db = store::Database::Open(paths.database);
    if (!db) {
        err << "b2bsync trace: " << db.error().message << "\n";
        return kExitFailure;
    }
    bool found = false;
    if (auto status = Trace(**db, order, out, found); !status) {
        err << "b2bsync trace: " << status.error().message << "\n";
        return kExitFailure;
    }
    if (!found) {
        err << "b2bsync trace: no order known as \"" << order
            << "\" (give the site number, 1C number, Bitrix24 deal id or b2bsync's id)\n";
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace b2b::app
