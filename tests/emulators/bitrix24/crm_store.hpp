#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace b2b::emu::bitrix24 {

/// One auto-increment table of legacy rows (all values strings or null, like v1 replies).
/// No uniqueness of anything but ID: the portal happily stores duplicates (§6.2).
///
/// Lists filter by equality/IN through per-field indexes built on first use, so a lookup of
/// 50 ORIGIN_IDs among 10,000 deals touches 50 rows, not 10,000 (a benchmark at a fast clock
/// would otherwise measure the emulator's scans instead of the client's batching). `rows` may be
/// read directly; change rows only through Insert, Find (which marks the row for re-indexing)
/// and Erase, so the indexes stay right.
struct Table {
    std::int64_t next_id = 1;
    std::map<std::int64_t, boost::json::object> rows;

    std::int64_t Insert(boost::json::object row);
    boost::json::object* Find(std::int64_t id);
    bool Erase(std::int64_t id);
    std::vector<boost::json::object> All() const;

    /// Ids (ascending) of the rows whose `field` equals one of `keys`; keys come from IndexKey.
    std::vector<std::int64_t> Lookup(std::string const& field, std::vector<std::string> const& keys);

private:
    struct FieldIndex {
        std::unordered_map<std::string, std::set<std::int64_t>> ids_by_key;
        std::unordered_map<std::int64_t, std::vector<std::string>> keys_of;
        void Remove(std::int64_t id);
        void Add(std::int64_t id, boost::json::object const& row, std::string const& field);
    };
    void RefreshIndexes();

    std::map<std::string, FieldIndex> indexes_;
    std::set<std::int64_t> dirty_;  // rows changed since the indexes last looked
};

struct Stage {
    std::string status_id;  // bare id, e.g. "NEW"; the full id gets "C{n}:" for n != 0
    std::string name;
    std::int64_t sort = 10;
    std::string semantics;  // "", "S" or "F"
};

struct Category {
    std::int64_t id = 0;
    std::string name;
    std::int64_t sort = 100;
    std::vector<Stage> stages;
};

/// A write the webhook's user may not make (test set-up): `method` with `field` in its fields,
/// with `value` (empty = any value), is refused with 403 INVALID_CREDENTIALS (bitrix24.md §1.3:
/// "user behind token/webhook lacks rights"; the exact code for a field-level refusal is not
/// documented).
struct DeniedWrite {
    std::string method;
    std::string field;
    std::string value;
};

/// Everything the emulated CRM holds. Plain data; the method files implement the rules.
struct CrmStore {
    Table companies;
    Table contacts;
    Table deals;
    Table requisites;
    Table bank_details;
    Table tasks;
    Table comments;
    Table notifications;
    boost::json::array requisite_links;
    // Addresses have no id of their own: (ENTITY_TYPE_ID, ENTITY_ID, TYPE_ID) is the key.
    std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t>, boost::json::object> addresses;
    std::map<std::int64_t, std::vector<boost::json::object>> product_rows;  // by deal id
    std::int64_t next_product_row_id = 1;
    std::int64_t next_multifield_id = 1;
    std::vector<Category> categories;
    std::vector<DeniedWrite> denied_writes;

    /// Loads pipelines from a seed: {"categories":[{"id":1,"name":"Опт","sort":200,
    /// "stages":[{"id":"NEW","name":"...","sort":10,"semantics":""}]}]}.
    /// Returns an error text for a malformed seed.
    std::optional<std::string> LoadSeed(boost::json::value const& seed);
    /// General pipeline 0 plus the wholesale pipeline 1 "Опт".
    static boost::json::value DefaultSeed();

    Category const* FindCategory(std::int64_t id) const;
    /// "C{n}:NEW" for n != 0, bare "NEW" for the general pipeline.
    static std::string FullStageId(std::int64_t category_id, std::string const& status_id);
    /// The stage with this full id in the category, or nullptr.
    Stage const* FindStage(std::int64_t category_id, std::string const& full_id) const;
    boost::json::object Dump() const;
};

}  // namespace b2b::emu::bitrix24
