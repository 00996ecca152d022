#include "tests/emulators/bitrix24/crm_store.hpp"

#include "tests/emulators/bitrix24/lists.hpp"
#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

json::array TableDump(Table const& table) {
    json::array out;
    for (auto const& kv : table.rows) {
        out.push_back(kv.second);
    }
    return out;
}

}  // namespace

std::int64_t Table::Insert(json::object row) {
    auto id = next_id++;
    row["ID"] = std::to_string(id);
    rows[id] = std::move(row);
    dirty_.insert(id);
    return id;
}

json::object* Table::Find(std::int64_t id) {
    auto it = rows.find(id);
    if (it == rows.end()) {
        return nullptr;
    }
    dirty_.insert(id);  // the caller may change it
    return &it->second;
}

bool Table::Erase(std::int64_t id) {
    dirty_.insert(id);
    return rows.erase(id) > 0;
}

std::vector<json::object> Table::All() const {
    std::vector<json::object> out;
    out.reserve(rows.size());
    for (auto const& kv : rows) {
        out.push_back(kv.second);
    }
    return out;
}

void Table::FieldIndex::Remove(std::int64_t id) {
    auto it = keys_of.find(id);
    if (it == keys_of.end()) {
        return;
    }
    for (auto const& key : it->second) {
        auto ids = ids_by_key.find(key);
        if (ids != ids_by_key.end()) {
            ids->second.erase(id);
            if (ids->second.empty()) {
                ids_by_key.erase(ids);
            }
        }
    }
    keys_of.erase(it);
}

void Table::FieldIndex::Add(std::int64_t id, json::object const& row, std::string const& field) {
    auto keys = IndexKeys(row.if_contains(field));
    for (auto const& key : keys) {
        ids_by_key[key].insert(id);
    }
    keys_of[id] = std::move(keys);
}

void Table::RefreshIndexes() {
    for (auto id : dirty_) {
        auto row = rows.find(id);
        for (auto& [field, index] : indexes_) {
            index.Remove(id);
            if (row != rows.end()) {
                index.Add(id, row->second, field);
            }
        }
    }
    dirty_.clear();
}

std::vector<std::int64_t> Table::Lookup(std::string const& field, std::vector<std::string> const& keys) {
    RefreshIndexes();
    auto [it, created] = indexes_.try_emplace(field);
    if (created) {
        for (auto const& [id, row] : rows) {
            it->second.Add(id, row, field);
        }
    }
    std::set<std::int64_t> ids;
    for (auto const& key : keys) {
        if (auto hit = it->second.ids_by_key.find(key); hit != it->second.ids_by_key.end()) {
            ids.insert(hit->second.begin(), hit->second.end());
        }
    }
    return {ids.begin(), ids.end()};
}

json::value CrmStore::DefaultSeed() {
    return json::parse(R"({"categories":[
      {"id":0,"name":"General","sort":100,"stages":[
        {"id":"NEW","name":"New","sort":10},{"id":"PREPARATION","name":"Preparing documents","sort":20},
        {"id":"PREPAYMENT_INVOICE","name":"Invoice","sort":30},{"id":"EXECUTING","name":"In progress","sort":40},
        {"id":"FINAL_INVOICE","name":"Final invoice","sort":50},{"id":"WON","name":"Deal won","sort":60,"semantics":"S"},
        {"id":"LOSE","name":"Deal lost","sort":70,"semantics":"F"},{"id":"APOLOGY","name":"Analyze failure","sort":80,"semantics":"F"}]},
      {"id":1,"name":"Опт","sort":200,"stages":[
        {"id":"NEW","name":"Новая","sort":10},{"id":"PREPARATION","name":"Подготовка","sort":20},
        {"id":"UC_PROD","name":"Производство","sort":30},{"id":"PREPAYMENT_INVOICE","name":"Счёт на предоплату","sort":40},
        {"id":"EXECUTING","name":"В работе","sort":50},{"id":"WON","name":"Сделка успешна","sort":60,"semantics":"S"},
        {"id":"LOSE","name":"Сделка провалена","sort":70,"semantics":"F"}]}]})");
}

std::optional<std::string> CrmStore::LoadSeed(json::value const& seed) {
    auto const* cats = seed.is_object() ? seed.as_object().if_contains("categories") : nullptr;
    if (cats == nullptr || !cats->is_array()) {
        return "seed: \"categories\" must be an array";
    }
    std::vector<Category> loaded;
    for (auto const& item : cats->as_array()) {
        if (!item.is_object()) {
            return "seed: each category must be an object";
        }
        auto const& obj = item.as_object();
        Category category;
        category.id = ParamInt(obj, "id").value_or(-1);
        category.name = ParamString(obj, "name").value_or("");
        category.sort = ParamInt(obj, "sort").value_or(100);
        if (category.id < 0 || category.name.empty()) {
            return "seed: category needs a non-negative \"id\" and a \"name\"";
        }
        auto const* stages = obj.if_contains("stages");
        if (stages == nullptr || !stages->is_array() || stages->as_array().empty()) {
            return "seed: category " + std::to_string(category.id) + " needs a non-empty \"stages\" array";
        }
        for (auto const& stage_value : stages->as_array()) {
            if (!stage_value.is_object()) {
                return "seed: each stage must be an object";
            }
            auto const& s = stage_value.as_object();
            Stage stage;
            stage.status_id = ParamString(s, "id").value_or("");
            stage.name = ParamString(s, "name").value_or(stage.status_id);
            stage.sort = ParamInt(s, "sort").value_or(10);
            stage.semantics = ParamString(s, "semantics").value_or("");
            if (stage.status_id.empty() || (stage.semantics != "" && stage.semantics != "S" && stage.semantics != "F")) {
                return "seed: stage needs an \"id\" and semantics \"\", \"S\" or \"F\"";
            }
            category.stages.push_back(stage);
        }
        loaded.push_back(std::move(category));
    }
    if (std::none_of(loaded.begin(), loaded.end(), [](Category const& c) { return c.id == 0; })) {
        return "seed: the general pipeline (id 0) is required";
    }
    categories = std::move(loaded);
    return std::nullopt;
}

Category const* CrmStore::FindCategory(std::int64_t id) const {
    for (auto const& category : categories) {
        if (category.id == id) {
            return &category;
        }
    }
    return nullptr;
}

std::string CrmStore::FullStageId(std::int64_t category_id, std::string const& status_id) {
    return category_id == 0 ? status_id : "C" + std::to_string(category_id) + ":" + status_id;
}

Stage const* CrmStore::FindStage(std::int64_t category_id, std::string const& full_id) const {
    auto const* category = FindCategory(category_id);
    if (category == nullptr) {
        return nullptr;
    }
    for (auto const& stage : category->stages) {
        if (FullStageId(category_id, stage.status_id) == full_id) {
            return &stage;
        }
    }
    return nullptr;
}

json::object CrmStore::Dump() const {
    json::object out;
    out["companies"] = TableDump(companies);
    out["contacts"] = TableDump(contacts);
    out["deals"] = TableDump(deals);
    out["requisites"] = TableDump(requisites);
    out["bank_details"] = TableDump(bank_details);
    out["tasks"] = TableDump(tasks);
    out["timeline_comments"] = TableDump(comments);
    out["notifications"] = TableDump(notifications);
    out["requisite_links"] = requisite_links;
    json::array addresses_dump;
    for (auto const& kv : addresses) {
        addresses_dump.push_back(kv.second);
    }
    out["addresses"] = std::move(addresses_dump);
    json::object rows_dump;
    for (auto const& [deal_id, rows] : product_rows) {
        json::array list(rows.begin(), rows.end());
        rows_dump[std::to_string(deal_id)] = std::move(list);
    }
    out["product_rows"] = std::move(rows_dump);
    return out;
}

}  // namespace b2b::emu::bitrix24
