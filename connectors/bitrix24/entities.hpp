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

/// A bank account of a counterparty -> crm.requisite.bankdetail.add on its requisite.
struct BankAccount {
    std::string account;             ///< RQ_ACC_NUM
    std::string bik;                 ///< RQ_BIK
    std::string bank_name;           ///< RQ_BANK_NAME (also the bank detail's NAME)
    std::string correspondent = {};  ///< RQ_COR_ACC_NUM
};

/// The legal address of a counterparty -> crm.address.add on its requisite (ENTITY_TYPE_ID 8).
struct Address {
    std::string address_1;  ///< street, house
    std::string city = {};
    std::string postal_code = {};
    std::string region = {};
    std::string country = {};
};

/// crm.address TYPE_ID of the registered (legal) address (crm.enum.addresstype: 1 actual, 6 legal).
inline constexpr int kLegalAddressType = 6;

/// A canonical counterparty as the connector needs it.
struct Counterparty {
    std::string id;    ///< canonical id -> ORIGIN_ID
    std::string name;  ///< company TITLE and requisite NAME
    std::string inn;   ///< 10 digits (legal entity) or 12 (sole proprietor / person); may be empty
    std::string kpp;   ///< legal entities only
    std::optional<LegalForm> legal_form;  ///< unset: derived from the INN (see PresetOf)
    std::optional<std::int64_t> assigned_by_id;
    /// Written only together with a requisite we create (a requisite found on the portal keeps
    /// whatever bank details and address it has: a manager may have edited them).
    std::vector<BankAccount> bank_accounts = {};
    std::optional<Address> address = {};
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
    /// More deal fields from the mappings (UF_CRM_*, COMMENTS, ...), as the portal's text values.
    /// `create_fields` go into crm.deal.add; `update_fields` (the ones b2bsync owns) are written to
    /// an existing deal with crm.deal.update. Keys the connector sets itself (TITLE, CATEGORY_ID,
    /// STAGE_ID, COMPANY_ID, OPPORTUNITY, CURRENCY_ID, ORIGINATOR_ID, ORIGIN_ID) are ignored here.
    /// The deal we made for this order earlier (from the links table; 0 = none known). If the
    /// portal no longer has a deal for the order, a manager deleted it: the write fails
    /// permanently instead of quietly making a new deal behind the manager's back.
    std::int64_t known_deal_id = 0;
    std::vector<std::pair<std::string, std::string>> create_fields;
    std::vector<std::pair<std::string, std::string>> update_fields;
};

struct DealRef {
    std::int64_t deal_id = 0;
    std::int64_t company_id = 0;
    bool created = false;
    std::string found_stage_id;  ///< an existing deal: its STAGE_ID when we looked it up
};

/// Idempotent CRM writes: Ensure looks everything up by external key first and creates only what
/// is missing, so re-running it after any failure — including a reply lost after the portal
/// applied the write — never makes a second company, requisite or deal.
///
/// Requests per call (bitrix24.md §3, §4, §5): one lookup round (requisites by `@RQ_INN`,
/// companies and deals by ORIGINATOR_ID + `@ORIGIN_ID`, 50 keys per command, all commands of
/// the round in shared batches), a second lookup round only for companies found by origin
/// without their requisite, then the writes: per new counterparty one chain company.add ->
/// requisite.add -> deal.add -> rows (later commands refer to earlier ones via $result) inside
/// one batch, per other order deal.add -> rows (or only rows for an existing deal), chains
/// packed 50 commands per request. Not atomic on the portal (no transactions there): a failure
/// inside a chain leaves e.g. a company without requisite or a deal without company, which the
/// next run completes. Thread-safe if the client is.
class CrmWriter {
public:
    CrmWriter(RestClient& client, Pipeline pipeline);

    struct Results {
        std::vector<Result<CompanyRef>> companies;  ///< one per counterparty passed, in order
        std::vector<Result<DealRef>> deals;         ///< one per order passed, in order
    };

    /// One company + one requisite per counterparty (the requisite found by RQ_INN (+RQ_KPP)
    /// gives the company; else the company found by ORIGINATOR_ID/ORIGIN_ID and its requisite by
    /// ENTITY_ID; else both are created), and one deal per order in the configured pipeline
    /// with its product rows set (crm.deal.productrows.set replaces the set, so it is safe to
    /// repeat). An existing deal keeps its stage and company (a manager may have changed them);
    /// only its rows are set, and its company when it has none. Counterparties are matched by
    /// id: several jobs or orders naming one make one company. A failing counterparty or order
    /// never fails the others. Errors: permanent for an unknown stage name or bad amounts; the
    /// classified REST errors otherwise, with the counterparty or order as context.
    Results Ensure(std::span<Counterparty const> counterparties, std::span<Order const> orders);

    /// Ensure for counterparties only / orders only.
    std::vector<Result<CompanyRef>> EnsureCompanies(std::span<Counterparty const> counterparties);
    std::vector<Result<DealRef>> EnsureDeals(std::span<Order const> orders);

    Pipeline const& pipeline() const { return pipeline_; }
    /// The stage id a new deal for `order` lands in (nullopt: its stage name is not mapped).
    std::optional<std::string> StageOf(Order const& order) const;

private:
    RestClient& client_;
    Pipeline pipeline_;
};

}  // namespace b2b::bitrix24
