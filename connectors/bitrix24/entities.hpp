#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "connectors/bitrix24/pipeline.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/domain/decimal.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// ORIGINATOR_ID we stamp on everything we create; with ORIGIN_ID = our canonical id it is the
/// external key the lookups use (CRM writes have no server-side idempotency, bitrix24.md §1.5).
inline constexpr std::string_view kOriginatorId = "b2bsync";

enum class LegalForm { kLegalEntity, kSoleProprietor, kPerson };

/// A canonical counterparty as the connector needs it.
struct Counterparty {
    std::string id;    ///< canonical id -> ORIGIN_ID
    std::string name;  ///< company TITLE and requisite NAME
    std::string inn;   ///< 10 digits (legal entity) or 12 (sole proprietor / person); may be empty
    std::string kpp;   ///< legal entities only
    std::optional<LegalForm> legal_form;  ///< unset: derived from the INN (see PresetOf)
    std::optional<std::int64_t> assigned_by_id;
};

/// The requisite preset (bitrix24.md §6.3, RU): 1 organisation, 2 sole proprietor, 3 person.
/// Without an explicit form: a 12-digit INN is a sole proprietor, another non-empty INN an
/// organisation, no INN a person.
int PresetOf(Counterparty const& counterparty);

struct CompanyRef {
    std::int64_t company_id = 0;
    std::int64_t requisite_id = 0;
    bool created_company = false;
    bool created_requisite = false;
};

struct OrderLine {
    std::string name;
    std::int64_t product_id = 0;  ///< 0 = free-text row
    Decimal price;        ///< final unit price
    Decimal quantity;
    int measure_code = 796;  ///< pcs
};

struct Order {
    std::string id;  ///< canonical id -> ORIGIN_ID
    std::string title;
    Counterparty counterparty;
    std::int64_t assigned_by_id = 0;
    std::string currency = "RUB";
    std::string stage;  ///< our stage name (bitrix24.stages key); empty = the pipeline's first stage
    std::vector<OrderLine> lines;
};

struct DealRef {
    std::int64_t deal_id = 0;
    std::int64_t company_id = 0;
    bool created = false;
};

/// Idempotent CRM writes: each Ensure* looks up by external key first and creates only what is
/// missing, so re-running it after any failure — including a reply lost after the portal applied
/// the write — never makes a second company, requisite or deal. Lookups and writes of many
/// entities are batched (3 lookups per counterparty, up to 16 counterparties per request).
/// Not atomic on the portal (no transactions there): a failure between steps leaves a company
/// without requisite, which the next run completes. Thread-safe if the client is.
class CrmWriter {
public:
    CrmWriter(RestClient& client, Pipeline pipeline);

    /// One company + one requisite per counterparty: the requisite found by RQ_INN (+RQ_KPP)
    /// gives the company; else the company found by ORIGINATOR_ID/ORIGIN_ID (and its requisite
    /// by ENTITY_ID); else both are created. One result per input, in order; a failing one never
    /// fails the others. Errors are the classified REST errors with the counterparty as context.
    std::vector<Result<CompanyRef>> EnsureCompanies(std::span<Counterparty const> counterparties);

    /// One deal per order in the configured pipeline, with its company ensured first and its
    /// product rows set (crm.deal.productrows.set replaces the set, so it is safe to repeat).
    /// An existing deal keeps its stage (a manager may have moved it); only its rows are set.
    /// Errors: permanent for an unknown stage name or bad amounts; REST errors otherwise.
    std::vector<Result<DealRef>> EnsureDeals(std::span<Order const> orders);

    Pipeline const& pipeline() const { return pipeline_; }

private:
    RestClient& client_;
    Pipeline pipeline_;
};

}  // namespace b2b::bitrix24
