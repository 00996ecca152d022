#include "core/flows/onec_rows.hpp"

#include "core/flows/cml_order_convert.hpp"

namespace b2b::flows {
namespace {

std::optional<bool> OptionalFlag(store::Statement const& stmt, int column) {
    if (stmt.ColumnIsNull(column)) {
        return std::nullopt;
    }
    return stmt.ColumnInt64(column) != 0;
}

}  // namespace

Result<std::optional<OnecDocumentRow>> ReadOnecDocument(store::Transaction& tx, std::string const& onec_id) {
    auto stmt = tx.Prepare("flows: read 1C document",
                           "SELECT number, onec_number, operation, posted, cancelled, marked_deleted, paid, shipped, "
                           "status FROM onec_documents WHERE onec_id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, std::string_view(onec_id));
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<OnecDocumentRow>{};
    }
    OnecDocumentRow d;
    d.onec_id = onec_id;
    d.number = stmt->ColumnText(0);
    d.onec_number = stmt->ColumnText(1);
    d.operation = stmt->ColumnText(2);
    d.posted = OptionalFlag(*stmt, 3);
    d.cancelled = OptionalFlag(*stmt, 4);
    d.marked_deleted = OptionalFlag(*stmt, 5);
    d.paid = OptionalFlag(*stmt, 6);
    d.shipped = OptionalFlag(*stmt, 7);
    d.status = stmt->ColumnText(8);
    return std::optional<OnecDocumentRow>(std::move(d));
}

Result<std::optional<Counterparty>> ReadOnecCounterparty(store::Transaction& tx, std::string const& onec_id) {
    auto stmt = tx.Prepare("flows: read 1C counterparty",
                           "SELECT name, full_name, official_name, inn, kpp, okpo, marked_deleted "
                           "FROM counterparties_onec WHERE onec_id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, std::string_view(onec_id));
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    if (!*row || stmt->ColumnInt64(6) != 0) {
        return std::optional<Counterparty>{};  // gone or marked for deletion: nothing to push
    }
    std::string const name = stmt->ColumnText(0);
    std::string const inn = stmt->ColumnText(3);
    if (inn.empty()) {
        return Error::Permanent("1C counterparty " + onec_id + " (" + name +
                                "): no INN (b2bsync matches counterparties by INN and KPP)");
    }
    Counterparty c;
    c.id = CanonicalId(CounterpartyIdFor(inn, stmt->ColumnText(4)));
    c.name = name;
    c.full_name = !stmt->ColumnText(1).empty() ? stmt->ColumnText(1) : stmt->ColumnText(2);
    c.inn = inn;
    c.kpp = stmt->ColumnText(4);
    c.okpo = stmt->ColumnText(5);
    if (inn.size() == 12) {
        c.kind = CounterpartyKind::kSoleProprietor;
    }
    return std::optional<Counterparty>(std::move(c));
}

Result<bool> HasCatalog(store::Transaction& tx) {
    auto any = tx.Prepare("flows: catalog present", "SELECT 1 FROM products LIMIT 1");
    if (!any) {
        return any.error();
    }
    return any->Step();
}

Result<bool> CatalogKnows(store::Transaction& tx, std::string const& offer_id) {
    auto known = tx.Prepare("flows: offer known",
                            "SELECT 1 FROM offers WHERE onec_id = ?1 UNION ALL "
                            "SELECT 1 FROM products WHERE onec_id = ?1 LIMIT 1");
    if (!known) {
        return known.error();
    }
    known->Bind(1, std::string_view(offer_id));
    return known->Step();
}

Result<std::optional<std::string>> ReadFeedDocument(store::Transaction& tx, std::string const& order_id) {
    auto stmt = tx.Prepare("flows: read 1C feed document", "SELECT document FROM onec_order_feed WHERE order_id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, std::string_view(order_id));
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<std::string>{};
    }
    return std::optional<std::string>(stmt->ColumnText(0));
}

}  // namespace b2b::flows
