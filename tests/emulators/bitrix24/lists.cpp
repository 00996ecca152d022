#include "tests/emulators/bitrix24/lists.hpp"

#include "tests/emulators/bitrix24/decimal.hpp"
#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

enum class Op { kEq, kNe, kGt, kGe, kLt, kLe, kIn, kNotIn, kLike, kLikeRaw, kNotLike, kNotLikeRaw };

struct Condition {
    Op op;
    std::string field;
};

Condition SplitOperator(std::string_view key) {
    // Longest prefixes first, so ">=" wins over ">" and "!=%" over "!=".
    static constexpr std::array<std::pair<std::string_view, Op>, 15> kPrefixes{{
        {"!=%", Op::kNotLikeRaw},
        {"!%=", Op::kNotLikeRaw},
        {">=", Op::kGe},
        {"<=", Op::kLe},
        {"=%", Op::kLikeRaw},
        {"%=", Op::kLikeRaw},
        {"!@", Op::kNotIn},
        {"!%", Op::kNotLike},
        {"!=", Op::kNe},
        {">", Op::kGt},
        {"<", Op::kLt},
        {"@", Op::kIn},
        {"%", Op::kLike},
        {"=", Op::kEq},
        {"!", Op::kNe},
    }};
    for (auto const& [prefix, op] : kPrefixes) {
        if (key.substr(0, prefix.size()) == prefix) {
            return Condition{op, std::string(key.substr(prefix.size()))};
        }
    }
    return Condition{Op::kEq, std::string(key)};
}

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// SQL LIKE with '%' wildcards only, case-insensitive.
bool WildcardMatch(std::string_view text, std::string_view pattern) {
    if (pattern.empty()) {
        return text.empty();
    }
    if (pattern.front() == '%') {
        for (std::size_t i = 0; i <= text.size(); ++i) {
            if (WildcardMatch(text.substr(i), pattern.substr(1))) {
                return true;
            }
        }
        return false;
    }
    return !text.empty() && text.front() == pattern.front() && WildcardMatch(text.substr(1), pattern.substr(1));
}

// <0, 0, >0; numeric when both sides are numbers (ids and money arrive as strings).
int Compare(std::string const& a, std::string const& b) {
    auto da = Decimal::Parse(a);
    auto db = Decimal::Parse(b);
    if (da && db) {
        return da->units < db->units ? -1 : (da->units > db->units ? 1 : 0);
    }
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

std::vector<std::string> RowValues(json::value const* value) {
    std::vector<std::string> out;
    if (value == nullptr || value->is_null()) {
        out.emplace_back();
        return out;
    }
    if (value->is_array()) {
        for (auto const& item : value->as_array()) {
            if (item.is_object() && item.as_object().contains("VALUE")) {
                out.push_back(ScalarToString(item.as_object().at("VALUE")));
            } else {
                out.push_back(ScalarToString(item));
            }
        }
        return out;
    }
    out.push_back(ScalarToString(*value));
    return out;
}

bool MatchOne(std::string const& have, Op op, std::vector<std::string> const& wanted) {
    std::string const& want = wanted.empty() ? std::string{} : wanted.front();
    switch (op) {
        case Op::kEq:
            return Compare(have, want) == 0;
        case Op::kNe:
            return Compare(have, want) != 0;
        case Op::kGt:
            return Compare(have, want) > 0;
        case Op::kGe:
            return Compare(have, want) >= 0;
        case Op::kLt:
            return Compare(have, want) < 0;
        case Op::kLe:
            return Compare(have, want) <= 0;
        case Op::kIn:
            return std::any_of(wanted.begin(), wanted.end(), [&](auto const& w) { return Compare(have, w) == 0; });
        case Op::kNotIn:
            return std::none_of(wanted.begin(), wanted.end(), [&](auto const& w) { return Compare(have, w) == 0; });
        case Op::kLike:
            return Lower(have).find(Lower(want)) != std::string::npos;
        case Op::kNotLike:
            return Lower(have).find(Lower(want)) == std::string::npos;
        case Op::kLikeRaw:
            return WildcardMatch(Lower(have), Lower(want));
        case Op::kNotLikeRaw:
            return !WildcardMatch(Lower(have), Lower(want));
    }
    return false;
}

bool IsUserField(std::string_view name) { return name.substr(0, 3) == "UF_"; }

}  // namespace

ListQuery ParseListQuery(json::object const& params) {
    ListQuery query;
    if (auto const* filter = FindParam(params, "filter"); filter != nullptr && filter->is_object()) {
        query.filter = filter->as_object();
    }
    if (auto const* order = FindParam(params, "order"); order != nullptr && order->is_object()) {
        for (auto const& kv : order->as_object()) {
            query.order.emplace_back(std::string(kv.key()), Lower(ScalarToString(kv.value())) != "desc");
        }
    }
    if (auto const* select = FindParam(params, "select"); select != nullptr) {
        for (auto const& item : ItemsOf(*select)) {
            query.select.push_back(ScalarToString(item));
        }
    }
    if (auto start = ParamInt(params, "start")) {
        query.start = *start;
    }
    return query;
}

bool MatchesFilter(json::object const& row, json::object const& filter) {
    for (auto const& kv : filter) {
        auto condition = SplitOperator(kv.key());
        std::vector<std::string> wanted;
        if (kv.value().is_array() || kv.value().is_object()) {
            for (auto const& item : ItemsOf(kv.value())) {
                wanted.push_back(ScalarToString(item));
            }
            if (condition.op == Op::kEq) {
                condition.op = Op::kIn;  // {"ID":[1,2]} means IN on the portal
            }
        } else {
            wanted.push_back(ScalarToString(kv.value()));
        }
        auto haves = RowValues(row.if_contains(condition.field));
        bool negative = condition.op == Op::kNe || condition.op == Op::kNotIn || condition.op == Op::kNotLike ||
                        condition.op == Op::kNotLikeRaw;
        bool matched = negative ? std::all_of(haves.begin(), haves.end(),
                                              [&](auto const& have) { return MatchOne(have, condition.op, wanted); })
                                : std::any_of(haves.begin(), haves.end(),
                                              [&](auto const& have) { return MatchOne(have, condition.op, wanted); });
        if (!matched) {
            return false;
        }
    }
    return true;
}

json::object ApplySelect(json::object const& row, std::vector<std::string> const& select, FieldSets const& sets) {
    bool standard = select.empty() || std::find(select.begin(), select.end(), "*") != select.end();
    bool user_fields = std::find(select.begin(), select.end(), "UF_*") != select.end();
    json::object out;
    for (auto const& kv : row) {
        std::string name(kv.key());
        bool is_multi = sets.multi_fields.count(name) > 0;
        bool is_uf = IsUserField(name);
        bool explicit_pick = std::find(select.begin(), select.end(), name) != select.end();
        if (explicit_pick || (standard && !is_multi && !is_uf) || (user_fields && is_uf)) {
            out[kv.key()] = kv.value();
        }
    }
    return out;
}

namespace {

// Filters, orders and pages rows that already passed the filter.
ListPage PageOf(std::vector<json::object const*> matched, ListQuery const& query, FieldSets const& sets) {
    auto order = query.order;
    if (order.empty()) {
        order.emplace_back("ID", true);
    }
    std::stable_sort(matched.begin(), matched.end(), [&](json::object const* a, json::object const* b) {
        for (auto const& [field, asc] : order) {
            auto va = RowValues(a->if_contains(field)).front();
            auto vb = RowValues(b->if_contains(field)).front();
            int c = Compare(va, vb);
            if (c != 0) {
                return asc ? c < 0 : c > 0;
            }
        }
        return false;
    });
    ListPage page;
    auto total = static_cast<std::int64_t>(matched.size());
    std::int64_t begin = query.start < 0 ? 0 : query.start;
    for (std::int64_t i = begin; i < total && i < begin + kPageSize; ++i) {
        page.rows.push_back(ApplySelect(*matched[static_cast<std::size_t>(i)], query.select, sets));
    }
    if (query.start >= 0) {
        page.counted = true;
        page.total = total;
        if (begin + kPageSize < total) {
            page.next = begin + kPageSize;
        }
    } else {
        page.total = 0;
    }
    return page;
}

}  // namespace

std::string IndexKey(std::string const& text) {
    if (auto number = Decimal::Parse(text)) {
        return "n" + std::to_string(number->units);
    }
    return "s" + text;
}

std::vector<std::string> IndexKeys(json::value const* value) {
    std::vector<std::string> keys;
    for (auto const& text : RowValues(value)) {
        keys.push_back(IndexKey(text));
    }
    return keys;
}

ListPage RunList(std::vector<json::object> const& rows, ListQuery const& query, FieldSets const& sets) {
    std::vector<json::object const*> matched;
    for (auto const& row : rows) {
        if (MatchesFilter(row, query.filter)) {
            matched.push_back(&row);
        }
    }
    return PageOf(std::move(matched), query, sets);
}

ListPage RunList(Table& table, ListQuery const& query, FieldSets const& sets) {
    // The narrowest equality/IN condition gives the candidates; without one, every row is.
    std::optional<std::vector<std::int64_t>> candidates;
    for (auto const& kv : query.filter) {
        auto condition = SplitOperator(kv.key());
        bool const listed = kv.value().is_array() || kv.value().is_object();
        if (condition.op != Op::kEq && condition.op != Op::kIn) {
            continue;
        }
        std::vector<std::string> keys;
        if (listed) {
            for (auto const& item : ItemsOf(kv.value())) {
                keys.push_back(IndexKey(ScalarToString(item)));
            }
        } else {
            keys.push_back(IndexKey(ScalarToString(kv.value())));
        }
        auto ids = table.Lookup(condition.field, keys);
        if (!candidates || ids.size() < candidates->size()) {
            candidates = std::move(ids);
        }
    }
    std::vector<json::object const*> matched;
    auto consider = [&](json::object const& row) {
        if (MatchesFilter(row, query.filter)) {
            matched.push_back(&row);
        }
    };
    if (candidates) {
        for (auto id : *candidates) {
            if (auto it = table.rows.find(id); it != table.rows.end()) {
                consider(it->second);
            }
        }
    } else {
        for (auto const& kv : table.rows) {
            consider(kv.second);
        }
    }
    return PageOf(std::move(matched), query, sets);
}

}  // namespace b2b::emu::bitrix24
