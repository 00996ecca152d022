#include "core/store/offer_packing.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

namespace b2b::store {
namespace {

namespace json = boost::json;

// JSON string escaping (RFC 8259 §7): quote, backslash and control characters; everything else,
// UTF-8 included, is written as is.
void AppendJsonString(std::string_view s, std::string& out) {
    out.push_back('"');
    for (char const c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out.append("\\u00");
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xF]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

void AppendInt(std::int64_t v, std::string& out) {
    char buf[24];
    auto const end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out.append(buf, end);
}

template <class Entry, class Row, class IdOf, class ToEntry>
UpsertCounts Merge(std::vector<Entry>& stored, std::span<Row const> incoming, IdOf id_of, ToEntry to_entry) {
    UpsertCounts counts;
    for (auto const& row : incoming) {
        Entry entry = to_entry(row);
        auto it = std::find_if(stored.begin(), stored.end(),
                               [&](Entry const& e) { return id_of(e) == id_of(entry); });
        if (it == stored.end()) {
            stored.push_back(std::move(entry));
            ++counts.inserted;
        } else if (*it == entry) {
            ++counts.unchanged;
        } else {
            *it = std::move(entry);
            ++counts.updated;
        }
    }
    std::sort(stored.begin(), stored.end(), [&](Entry const& a, Entry const& b) { return id_of(a) < id_of(b); });
    return counts;
}

Error NotAnArray(std::string_view offer_id, std::string_view column, std::string_view shape) {
    return Error::Permanent("offer " + std::string(offer_id) + ": " + std::string(column) + " is not an array of " +
                            std::string(shape));
}

// The entries of a packed array, each checked to be an array of `width` values.
Result<json::array> Entries(std::string_view offer_id, std::string_view column, std::string_view shape,
                            std::string_view text, std::size_t width) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_array()) {
        return NotAnArray(offer_id, column, shape);
    }
    for (auto const& e : v.as_array()) {
        if (!e.is_array() || e.as_array().size() != width || !e.as_array()[0].is_string()) {
            return NotAnArray(offer_id, column, shape);
        }
    }
    return std::move(v.as_array());
}

}  // namespace

UpsertCounts MergePrices(std::vector<PackedPrice>& stored, std::span<PriceRow const> incoming) {
    return Merge(
        stored, incoming, [](PackedPrice const& p) -> std::string_view { return p.price_type_id; },
        [](PriceRow const& r) {
            return PackedPrice{r.price_type_id, r.price_raw, r.currency, r.unit, r.coefficient_raw};
        });
}

UpsertCounts MergeStock(std::vector<PackedStock>& stored, std::span<StockRow const> incoming) {
    return Merge(
        stored, incoming, [](PackedStock const& s) -> std::string_view { return s.warehouse_id; },
        [](StockRow const& r) { return PackedStock{r.warehouse_id, r.quantity_raw}; });
}

void PackPrices(std::span<PackedPrice const> prices, std::string& out) {
    out.push_back('[');
    for (auto const& p : prices) {
        if (&p != prices.data()) {
            out.push_back(',');
        }
        out.push_back('[');
        AppendJsonString(p.price_type_id, out);
        out.push_back(',');
        AppendInt(p.price_raw, out);
        out.push_back(',');
        AppendJsonString(p.currency, out);
        out.push_back(',');
        AppendJsonString(p.unit, out);
        out.push_back(',');
        if (p.coefficient_raw) {
            AppendInt(*p.coefficient_raw, out);
        } else {
            out.append("null");
        }
        out.push_back(']');
    }
    out.push_back(']');
}

void PackStock(std::span<PackedStock const> stock, std::string& out) {
    out.push_back('[');
    for (auto const& s : stock) {
        if (&s != stock.data()) {
            out.push_back(',');
        }
        out.push_back('[');
        AppendJsonString(s.warehouse_id, out);
        out.push_back(',');
        AppendInt(s.quantity_raw, out);
        out.push_back(']');
    }
    out.push_back(']');
}

Result<std::vector<PackedPrice>> UnpackPrices(std::string_view offer_id, std::string_view text) {
    constexpr std::string_view kShape = "[price type, price, currency, unit, coefficient]";
    auto entries = Entries(offer_id, "prices_json", kShape, text, 5);
    if (!entries) {
        return entries.error();
    }
    std::vector<PackedPrice> out;
    out.reserve(entries->size());
    for (auto const& e : *entries) {
        auto const& a = e.as_array();
        if (!a[1].is_int64() || !a[2].is_string() || !a[3].is_string() || !(a[4].is_int64() || a[4].is_null())) {
            return NotAnArray(offer_id, "prices_json", kShape);
        }
        out.push_back(PackedPrice{
            .price_type_id = std::string(a[0].as_string()),
            .price_raw = a[1].as_int64(),
            .currency = std::string(a[2].as_string()),
            .unit = std::string(a[3].as_string()),
            .coefficient_raw = a[4].is_null() ? std::nullopt : std::optional(a[4].as_int64()),
        });
    }
    return out;
}

Result<std::vector<PackedStock>> UnpackStock(std::string_view offer_id, std::string_view text) {
    constexpr std::string_view kShape = "[warehouse, quantity]";
    auto entries = Entries(offer_id, "stock_json", kShape, text, 2);
    if (!entries) {
        return entries.error();
    }
    std::vector<PackedStock> out;
    out.reserve(entries->size());
    for (auto const& e : *entries) {
        auto const& a = e.as_array();
        if (!a[1].is_int64()) {
            return NotAnArray(offer_id, "stock_json", kShape);
        }
        out.push_back(PackedStock{.warehouse_id = std::string(a[0].as_string()), .quantity_raw = a[1].as_int64()});
    }
    return out;
}

}  // namespace b2b::store
