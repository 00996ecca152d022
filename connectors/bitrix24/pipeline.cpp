#include "connectors/bitrix24/pipeline.hpp"

#include <algorithm>

#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

std::string StringOf(json::object const& obj, std::string_view key) {
    if (auto const* v = obj.if_contains(key); v != nullptr) {
        if (v->is_string()) {
            return std::string(v->get_string());
        }
        if (auto i = AsInt(*v)) {
            return std::to_string(*i);
        }
    }
    return {};
}

std::string QuotedList(std::vector<std::string> const& names) {
    std::string out;
    for (auto const& n : names) {
        out += (out.empty() ? "\"" : ", \"") + n + "\"";
    }
    return out.empty() ? "(none)" : out;
}

struct Stage {
    std::string id, name;
    std::int64_t sort = 0;
};

}  // namespace

Result<Pipeline> ResolvePipeline(RestClient& client, PipelineConfig const& config) {
    auto categories = client.Call("crm.category.list", json::object{{"entityTypeId", 2}});
    if (!categories) {
        return categories.error().WithContext("bitrix24.pipeline");
    }
    json::array const* list = nullptr;
    if (auto const* obj = categories->result.if_object()) {
        if (auto const* c = obj->if_contains("categories"); c != nullptr) {
            list = c->if_array();
        }
    }
    if (list == nullptr) {
        return Error::Permanent("bitrix24.pipeline: crm.category.list returned no categories list");
    }
    Pipeline pipeline;
    std::vector<std::string> names;
    bool found = false;
    for (auto const& item : *list) {
        auto const* obj = item.if_object();
        if (obj == nullptr) {
            continue;
        }
        auto name = StringOf(*obj, "name");
        names.push_back(name);
        if (name == config.pipeline && !found) {
            found = true;
            pipeline.name = name;
            pipeline.category_id = obj->contains("id") ? AsInt(obj->at("id")).value_or(0) : 0;
        }
    }
    if (!found) {
        return Error::Permanent(fmt::format("bitrix24.pipeline: no deal pipeline named \"{}\" on the portal; its "
                                            "pipelines are: {}",
                                            config.pipeline, QuotedList(names)));
    }
    auto const entity_id =
        pipeline.category_id == 0 ? std::string("DEAL_STAGE") : fmt::format("DEAL_STAGE_{}", pipeline.category_id);
    auto statuses = client.Call("crm.status.list", json::object{{"filter", json::object{{"ENTITY_ID", entity_id}}},
                                                                {"order", json::object{{"SORT", "ASC"}}}});
    if (!statuses) {
        return statuses.error().WithContext("bitrix24.stages");
    }
    std::vector<Stage> stages;
    if (auto const* rows = statuses->result.if_array()) {
        for (auto const& row : *rows) {
            if (auto const* obj = row.if_object()) {
                Stage s{StringOf(*obj, "STATUS_ID"), StringOf(*obj, "NAME"), 0};
                if (auto const* sort = obj->if_contains("SORT")) {
                    s.sort = AsInt(*sort).value_or(0);
                }
                stages.push_back(std::move(s));
            }
        }
    }
    std::stable_sort(stages.begin(), stages.end(), [](Stage const& a, Stage const& b) { return a.sort < b.sort; });
    if (stages.empty()) {
        return Error::Permanent(fmt::format("bitrix24.stages: pipeline \"{}\" has no stages", pipeline.name));
    }
    pipeline.initial_stage_id = stages.front().id;
    std::vector<std::string> stage_names;
    for (auto const& s : stages) {
        stage_names.push_back(s.name);
    }
    for (auto const& [ours, portal_name] : config.stages) {
        auto it = std::find_if(stages.begin(), stages.end(), [&](Stage const& s) { return s.name == portal_name; });
        if (it == stages.end()) {
            return Error::Permanent(fmt::format("bitrix24.stages.{}: no stage named \"{}\" in pipeline \"{}\"; its "
                                                "stages are: {}",
                                                ours, portal_name, pipeline.name, QuotedList(stage_names)));
        }
        pipeline.stage_ids[ours] = it->id;
    }
    return pipeline;
}

}  // namespace b2b::bitrix24
