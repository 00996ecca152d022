#include "connectors/bitrix24/events_parse.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

// PHP's own limits (max_input_nesting_level is 64, max_input_vars 1000); events use depth 3.
constexpr std::size_t kMaxDepth = 16;
constexpr std::size_t kMaxParams = 1000;

int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::optional<std::string> PercentDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            int const hi = HexValue(text[i + 1]);
            int const lo = HexValue(text[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// "data[FIELDS][ID]" -> {"data", "FIELDS", "ID"}; "a[]" -> {"a", ""} (append).
std::optional<std::vector<std::string>> SplitKey(std::string const& key) {
    std::vector<std::string> parts;
    auto const open = key.find('[');
    parts.push_back(key.substr(0, open));
    if (parts.front().empty()) {
        return std::nullopt;
    }
    std::size_t pos = open;
    while (pos != std::string::npos && pos < key.size()) {
        if (key[pos] != '[') {
            return std::nullopt;  // text after a closing bracket: "a[b]c"
        }
        auto const close = key.find(']', pos);
        if (close == std::string::npos) {
            return std::nullopt;
        }
        parts.push_back(key.substr(pos + 1, close - pos - 1));
        pos = close + 1;
    }
    if (parts.size() > kMaxDepth) {
        return std::nullopt;
    }
    return parts;
}

void Assign(json::object& root, std::vector<std::string> const& path, std::string value) {
    json::object* node = &root;
    for (std::size_t i = 0; i < path.size(); ++i) {
        std::string key = path[i];
        if (key.empty()) {
            key = std::to_string(node->size());  // `a[]`: the next index, as PHP appends
        }
        if (i + 1 == path.size()) {
            (*node)[key] = std::move(value);
            return;
        }
        auto& child = (*node)[key];
        if (!child.is_object()) {
            child = json::object{};  // a scalar meets a bracketed key: the later one wins
        }
        node = &child.as_object();
    }
}

json::value const* Find(json::object const& form, std::initializer_list<std::string_view> path) {
    json::object const* node = &form;
    json::value const* found = nullptr;
    for (auto key : path) {
        if (node == nullptr) {
            return nullptr;
        }
        found = node->if_contains(key);
        if (found == nullptr) {
            return nullptr;
        }
        node = found->if_object();
    }
    return found;
}

std::optional<std::int64_t> ParsePositive(std::string_view text) {
    std::int64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) {
        return std::nullopt;
    }
    return value;
}

std::string Upper(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::optional<int> Digits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// Legacy CRM values come as strings ("42"), crm.item.* ones as numbers.
std::optional<std::int64_t> IdOf(json::value const* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_int64() && value->as_int64() > 0) {
        return value->as_int64();
    }
    if (value->is_uint64() && value->as_uint64() > 0 &&
        value->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(value->as_uint64());
    }
    if (value->is_string()) {
        return ParsePositive(value->as_string());
    }
    return std::nullopt;
}

}  // namespace

Result<json::object> DecodePhpForm(std::string_view body) {
    json::object root;
    std::size_t count = 0;
    std::size_t pos = 0;
    while (pos <= body.size()) {
        auto amp = body.find('&', pos);
        if (amp == std::string_view::npos) {
            amp = body.size();
        }
        auto const pair = body.substr(pos, amp - pos);
        pos = amp + 1;
        if (pair.empty()) {
            continue;
        }
        if (++count > kMaxParams) {
            return Error::Permanent("form body has more than 1000 parameters");
        }
        auto const eq = pair.find('=');
        auto key = PercentDecode(pair.substr(0, eq));
        auto value = PercentDecode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!key || !value) {
            return Error::Permanent("form body has a bad percent-encoding in parameter " + std::to_string(count));
        }
        auto path = SplitKey(*key);
        if (!path) {
            return Error::Permanent("form body has a malformed key in parameter " + std::to_string(count));
        }
        Assign(root, *path, std::move(*value));
    }
    return root;
}

std::optional<std::string_view> FormString(json::object const& form, std::initializer_list<std::string_view> path) {
    auto const* value = Find(form, path);
    if (value == nullptr || !value->is_string()) {
        return std::nullopt;
    }
    return std::string_view(value->as_string());
}

Result<OutboundEvent> ReadOutboundEvent(json::object const& form, std::int64_t now_seconds) {
    OutboundEvent out;
    auto const event = FormString(form, {"event"});
    if (!event || event->empty()) {
        return Error::Permanent("event POST without `event`");
    }
    out.record.event = Upper(*event);
    auto const id = FormString(form, {"data", "FIELDS", "ID"});
    auto const entity_id = id ? ParsePositive(*id) : std::nullopt;
    if (!entity_id) {
        return Error::Permanent("event " + out.record.event + " without a numeric data[FIELDS][ID]");
    }
    out.record.entity_id = *entity_id;
    out.record.entity_type = EntityTypeOfEvent(out.record.event);
    auto const ts = FormString(form, {"ts"});
    out.record.ts = (ts ? ParsePositive(*ts) : std::nullopt).value_or(now_seconds);
    out.record.source = "online";
    out.handler_id = std::string(FormString(form, {"event_handler_id"}).value_or(""));
    out.domain = std::string(FormString(form, {"auth", "domain"}).value_or(""));
    out.member_id = std::string(FormString(form, {"auth", "member_id"}).value_or(""));
    return out;
}

Result<EventRecord> ReadOfflineEvent(json::value const& record) {
    auto const* object = record.if_object();
    if (object == nullptr) {
        return Error::Permanent("offline event is not an object");
    }
    EventRecord out;
    auto const* name = object->if_contains("EVENT_NAME");
    if (name == nullptr || !name->is_string() || name->as_string().empty()) {
        return Error::Permanent("offline event without EVENT_NAME");
    }
    out.event = Upper(name->as_string());
    json::value const* id = nullptr;
    if (auto const* data = object->if_contains("EVENT_DATA"); data != nullptr && data->is_object()) {
        if (auto const* fields = data->as_object().if_contains("FIELDS"); fields != nullptr && fields->is_object()) {
            id = fields->as_object().if_contains("ID");
        }
    }
    auto const entity_id = IdOf(id);
    if (!entity_id) {
        return Error::Permanent("offline event " + out.event + " without a numeric EVENT_DATA.FIELDS.ID");
    }
    out.entity_id = *entity_id;
    out.entity_type = EntityTypeOfEvent(out.event);
    auto const* stamp = object->if_contains("TIMESTAMP_X");
    auto const ts = stamp != nullptr && stamp->is_string() ? ParseIsoSeconds(stamp->as_string()) : std::nullopt;
    if (!ts) {
        return Error::Permanent("offline event " + out.event + " " + std::to_string(out.entity_id) +
                                " has no readable TIMESTAMP_X");
    }
    out.ts = *ts;
    out.source = "offline";
    return out;
}

std::string EntityTypeOfEvent(std::string_view event) {
    constexpr std::string_view kPrefix = "ONCRM";
    if (event.substr(0, kPrefix.size()) != kPrefix) {
        return "other";
    }
    auto const rest = event.substr(kPrefix.size());
    // Longer names first: ONCRMDEALRECURRINGADD is about a recurring template, not a deal.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kTypes{{
        {"DEALRECURRING", "deal_recurring"},
        {"INVOICERECURRING", "invoice_recurring"},
        {"DEAL", "deal"},
        {"COMPANY", "company"},
        {"CONTACT", "contact"},
        {"LEAD", "lead"},
        {"REQUISITE", "requisite"},
        {"BANKDETAIL", "bankdetail"},
        {"ADDRESS", "address"},
        {"INVOICE", "invoice"},
        {"QUOTE", "quote"},
        {"ACTIVITY", "activity"},
        {"PRODUCT", "product"},
    }};
    for (auto const& [name, type] : kTypes) {
        if (rest.substr(0, name.size()) == name) {
            return std::string(type);
        }
    }
    return "other";
}

std::optional<std::int64_t> ParseIsoSeconds(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS then optional fraction, then Z | +HH:MM | -HH:MM | nothing.
    auto const year = Digits(text, 0, 4);
    auto const month = Digits(text, 5, 2);
    auto const day = Digits(text, 8, 2);
    auto const hour = Digits(text, 11, 2);
    auto const minute = Digits(text, 14, 2);
    auto const second = Digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
            ++pos;
        }
    }
    std::int64_t offset = 0;
    if (pos < text.size()) {
        char const sign = text[pos];
        if (sign == 'Z' && pos + 1 == text.size()) {
            offset = 0;
        } else if (sign == '+' || sign == '-') {
            auto const oh = Digits(text, pos + 1, 2);
            auto const om = Digits(text, pos + 4, 2);
            if (!oh || !om || text[pos + 3] != ':' || pos + 6 != text.size()) {
                return std::nullopt;
            }
            offset = (*oh * 3600 + *om * 60) * (sign == '+' ? 1 : -1);
        } else {
            return std::nullopt;
        }
    }
    using namespace std::chrono;
    year_month_day const date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                              std::chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    auto const days = sys_days{date}.time_since_epoch().count();
    return static_cast<std::int64_t>(days) * 86400 + *hour * 3600 + *minute * 60 + *second - offset;
}

}  // namespace b2b::bitrix24
