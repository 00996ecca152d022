#include "core/store/offer_packing.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>

namespace b2b::store {
namespace {

namespace json = boost::json;

// JSON string escaping (RFC 8259 §7): quote, backslash and control characters; everything else,
// UTF-8 included, is written as is.
void AppendJsonString(std::string_view s, std::string& out) {
    out.push_back('"');
    std::size_t plain_from = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const u = static_cast<unsigned char>(s[i]);
        if (u >= 0x20 && u != '"' && u != '\\') {
            continue;  // ids and units almost never need escaping: copy runs, not bytes
        }
        out.append(s.data() + plain_from, i - plain_from);
        plain_from = i + 1;
        if (u < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out.append("\\u00");
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xF]);
        } else {
            out.push_back('\\');
            out.push_back(static_cast<char>(u));
        }
    }
    out.append(s.data() + plain_from, s.size() - plain_from);
    out.push_back('"');
}

void AppendInt(std::int64_t v, std::string& out) {
    char buf[24];
    auto const end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out.append(buf, end);
}

template <class Entry, class IdOf>
UpsertCounts Merge(std::vector<Entry>& stored, std::span<Entry const> incoming, IdOf id_of) {
    UpsertCounts counts;
    for (auto const& entry : incoming) {
        auto it = std::find_if(stored.begin(), stored.end(),
                               [&](Entry const& e) { return id_of(e) == id_of(entry); });
        if (it == stored.end()) {
            stored.push_back(entry);
            ++counts.inserted;
        } else if (*it == entry) {
            ++counts.unchanged;
        } else {
            *it = entry;
            ++counts.updated;
        }
    }
    std::sort(stored.begin(), stored.end(), [&](Entry const& a, Entry const& b) { return id_of(a) < id_of(b); });
    return counts;
}

// A new offer's rows in id order through pointers (no copies). Ids are nearly always unique; a
// repeated one takes the merging path so it is counted and resolved exactly as MergePrices does.
template <class Entry, class IdOf, class Pack>
UpsertCounts PackNew(std::span<Entry const> incoming, std::string& out, IdOf id_of, Pack pack) {
    constexpr std::size_t kInline = 32;
    if (incoming.size() <= kInline) {
        std::array<Entry const*, kInline> order;
        for (std::size_t i = 0; i < incoming.size(); ++i) {
            order[i] = &incoming[i];
        }
        auto const end = order.begin() + static_cast<std::ptrdiff_t>(incoming.size());
        std::sort(order.begin(), end, [&](Entry const* a, Entry const* b) { return id_of(*a) < id_of(*b); });
        bool const unique =
            std::adjacent_find(order.begin(), end, [&](Entry const* a, Entry const* b) {
                return id_of(*a) == id_of(*b);
            }) == end;
        if (unique) {
            pack(std::span<Entry const* const>(order.data(), incoming.size()), out);
            return UpsertCounts{.inserted = static_cast<std::int64_t>(incoming.size())};
        }
    }
    std::vector<Entry> merged;
    UpsertCounts const counts = Merge(merged, incoming, id_of);
    std::vector<Entry const*> order;
    order.reserve(merged.size());
    for (auto const& e : merged) {
        order.push_back(&e);
    }
    pack(std::span<Entry const* const>(order), out);
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

std::string_view PriceTypeOf(PriceRow const& p) { return p.price_type_id; }
std::string_view WarehouseOf(StockRow const& s) { return s.warehouse_id; }

void PackPricePointers(std::span<PriceRow const* const> prices, std::string& out) {
    out.push_back('[');
    for (std::size_t i = 0; i < prices.size(); ++i) {
        PriceRow const& p = *prices[i];
        if (i != 0) {
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

void PackStockPointers(std::span<StockRow const* const> stock, std::string& out) {
    out.push_back('[');
    for (std::size_t i = 0; i < stock.size(); ++i) {
        StockRow const& s = *stock[i];
        if (i != 0) {
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

}  // namespace

UpsertCounts MergePrices(std::vector<PriceRow>& stored, std::span<PriceRow const> incoming) {
    return Merge(stored, incoming, PriceTypeOf);
}

UpsertCounts MergeStock(std::vector<StockRow>& stored, std::span<StockRow const> incoming) {
    return Merge(stored, incoming, WarehouseOf);
}

UpsertCounts PackNewPrices(std::span<PriceRow const> incoming, std::string& out) {
    return PackNew(incoming, out, PriceTypeOf, PackPricePointers);
}

UpsertCounts PackNewStock(std::span<StockRow const> incoming, std::string& out) {
    return PackNew(incoming, out, WarehouseOf, PackStockPointers);
}

void PackPrices(std::span<PriceRow const> prices, std::string& out) {
    std::vector<PriceRow const*> order;
    order.reserve(prices.size());
    for (auto const& p : prices) {
        order.push_back(&p);
    }
    PackPricePointers(order, out);
}

void PackStock(std::span<StockRow const> stock, std::string& out) {
    std::vector<StockRow const*> order;
    order.reserve(stock.size());
    for (auto const& s : stock) {
        order.push_back(&s);
    }
    PackStockPointers(order, out);
}

Result<std::vector<PriceRow>> UnpackPrices(std::string_view offer_id, std::string_view text) {
    constexpr std::string_view kShape = "[price type, price, currency, unit, coefficient]";
    auto entries = Entries(offer_id, "prices_json", kShape, text, 5);
    if (!entries) {
        return entries.error();
    }
    std::vector<PriceRow> out;
    out.reserve(entries->size());
    for (auto const& e : *entries) {
        auto const& a = e.as_array();
        if (!a[1].is_int64() || !a[2].is_string() || !a[3].is_string() || !(a[4].is_int64() || a[4].is_null())) {
            return NotAnArray(offer_id, "prices_json", kShape);
        }
        out.push_back(PriceRow{
            .price_type_id = std::string(a[0].as_string()),
            .price_raw = a[1].as_int64(),
            .currency = std::string(a[2].as_string()),
            .unit = std::string(a[3].as_string()),
            .coefficient_raw = a[4].is_null() ? std::nullopt : std::optional(a[4].as_int64()),
        });
    }
    return out;
}

Result<std::vector<StockRow>> UnpackStock(std::string_view offer_id, std::string_view text) {
    constexpr std::string_view kShape = "[warehouse, quantity]";
    auto entries = Entries(offer_id, "stock_json", kShape, text, 2);
    if (!entries) {
        return entries.error();
    }
    std::vector<StockRow> out;
    out.reserve(entries->size());
    for (auto const& e : *entries) {
        auto const& a = e.as_array();
        if (!a[1].is_int64()) {
            return NotAnArray(offer_id, "stock_json", kShape);
        }
        out.push_back(StockRow{.warehouse_id = std::string(a[0].as_string()), .quantity_raw = a[1].as_int64()});
    }
    return out;
}

}  // namespace b2b::store
