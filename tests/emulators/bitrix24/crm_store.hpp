#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace b2b::emu::bitrix24 {

/// One auto-increment table of legacy rows (all values strings or null, like v1 replies).
/// No uniqueness of anything but ID: the portal happily stores duplicates (§6.2).
struct Table {
    std::int64_t next_id = 1;
    std::map<std::int64_t, boost::json::object> rows;

    std::int64_t Insert(boost::json::object row);
    boost::json::object* Find(std::int64_t id);
    std::vector<boost::json::object> All() const;
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
