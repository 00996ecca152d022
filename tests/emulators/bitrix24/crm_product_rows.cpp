// crm.deal.productrows.set/get: bitrix24.md §6.4. The set replaces the whole list; the deal's
// OPPORTUNITY follows the rows unless IS_MANUAL_OPPORTUNITY=Y (our reading, see the doc).
#include "tests/emulators/bitrix24/decimal.hpp"
#include "tests/emulators/bitrix24/methods.hpp"
#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

Decimal DecimalField(json::object const& row, char const* key, Decimal fallback) {
    auto text = ParamString(row, key);
    if (!text || text->empty()) {
        return fallback;
    }
    return Decimal::Parse(*text).value_or(fallback);
}

// Stored form: decimal strings; the reply form is built in Get with the portal's mixed types.
json::object StoreRow(json::object const& in, std::int64_t row_id, std::int64_t deal_id, std::int64_t sort) {
    auto price = DecimalField(in, "PRICE", Decimal{});
    json::object row;
    row["ID"] = row_id;
    row["OWNER_ID"] = deal_id;
    row["PRODUCT_ID"] = ParamInt(in, "PRODUCT_ID").value_or(0);
    row["PRODUCT_NAME"] = ParamString(in, "PRODUCT_NAME").value_or("");
    row["PRICE"] = price.ToShortest();
    row["PRICE_EXCLUSIVE"] = DecimalField(in, "PRICE_EXCLUSIVE", price).ToShortest();
    row["PRICE_NETTO"] = DecimalField(in, "PRICE_NETTO", price).ToShortest();
    row["PRICE_BRUTTO"] = DecimalField(in, "PRICE_BRUTTO", price).ToShortest();
    row["QUANTITY"] = DecimalField(in, "QUANTITY", Decimal{Decimal::kScale}).ToShortest();
    row["DISCOUNT_TYPE_ID"] = ParamInt(in, "DISCOUNT_TYPE_ID").value_or(2);
    row["DISCOUNT_RATE"] = DecimalField(in, "DISCOUNT_RATE", Decimal{}).ToShortest();
    row["DISCOUNT_SUM"] = DecimalField(in, "DISCOUNT_SUM", Decimal{}).ToShortest();
    auto tax = ParamString(in, "TAX_RATE");
    row["TAX_RATE"] = tax && !tax->empty() ? json::value(*tax) : json::value(nullptr);
    row["TAX_INCLUDED"] = ParamString(in, "TAX_INCLUDED").value_or("N");
    row["MEASURE_CODE"] = ParamInt(in, "MEASURE_CODE").value_or(796);
    row["MEASURE_NAME"] = ParamString(in, "MEASURE_NAME").value_or("шт");
    row["SORT"] = ParamInt(in, "SORT").value_or(sort);
    return row;
}

json::value Num(json::object const& row, char const* key) { return RawNumber(std::string(row.at(key).get_string())); }

json::object ReplyRow(json::object const& row) {
    auto price = Decimal::Parse(std::string(row.at("PRICE").get_string())).value_or(Decimal{});
    json::object out;
    out["ID"] = std::to_string(row.at("ID").get_int64());
    out["OWNER_ID"] = std::to_string(row.at("OWNER_ID").get_int64());
    out["OWNER_TYPE"] = "D";
    out["PRODUCT_ID"] = row.at("PRODUCT_ID");
    out["PRODUCT_NAME"] = row.at("PRODUCT_NAME");
    out["ORIGINAL_PRODUCT_NAME"] = row.at("PRODUCT_NAME");
    out["PRODUCT_DESCRIPTION"] = nullptr;
    out["PRICE"] = Num(row, "PRICE");
    out["PRICE_ACCOUNT"] = price.ToFixed(2);
    out["PRICE_EXCLUSIVE"] = Num(row, "PRICE_EXCLUSIVE");
    out["PRICE_NETTO"] = Num(row, "PRICE_NETTO");
    out["PRICE_BRUTTO"] = Num(row, "PRICE_BRUTTO");
    out["QUANTITY"] = Num(row, "QUANTITY");
    out["DISCOUNT_TYPE_ID"] = row.at("DISCOUNT_TYPE_ID");
    out["DISCOUNT_RATE"] = Num(row, "DISCOUNT_RATE");
    out["DISCOUNT_SUM"] = Num(row, "DISCOUNT_SUM");
    out["TAX_RATE"] = row.at("TAX_RATE").is_null() ? json::value(nullptr) : Num(row, "TAX_RATE");
    out["TAX_INCLUDED"] = row.at("TAX_INCLUDED");
    out["CUSTOMIZED"] = "Y";
    out["MEASURE_CODE"] = row.at("MEASURE_CODE");
    out["MEASURE_NAME"] = row.at("MEASURE_NAME");
    out["SORT"] = row.at("SORT");
    out["XML_ID"] = nullptr;
    out["TYPE"] = 1;
    out["STORE_ID"] = nullptr;
    out["RESERVE_ID"] = nullptr;
    out["DATE_RESERVE_END"] = nullptr;
    out["RESERVE_QUANTITY"] = nullptr;
    return out;
}

CallResult RowsSet(CallContext& ctx, json::object const& params) {
    auto id = ParamInt(params, "id");
    auto* deal = id ? ctx.crm.deals.Find(*id) : nullptr;
    if (deal == nullptr) {
        return CallResult::Legacy("Not found");
    }
    auto const* rows_param = FindParam(params, "rows");
    std::vector<json::object> rows;
    Decimal sum{};
    std::int64_t sort = 10;
    if (rows_param != nullptr) {
        for (auto const& item : ItemsOf(*rows_param)) {
            if (!item.is_object()) {
                continue;
            }
            auto row = StoreRow(item.as_object(), ctx.crm.next_product_row_id++, *id, sort);
            sort += 10;
            auto price = Decimal::Parse(std::string(row.at("PRICE").get_string())).value_or(Decimal{});
            auto quantity = Decimal::Parse(std::string(row.at("QUANTITY").get_string())).value_or(Decimal{});
            sum = sum.Plus(price.Times(quantity));
            rows.push_back(std::move(row));
        }
    }
    ctx.crm.product_rows[*id] = std::move(rows);
    if (ScalarToString((*deal)["IS_MANUAL_OPPORTUNITY"]) != "Y") {
        (*deal)["OPPORTUNITY"] = sum.ToFixed(2);
    }
    Touch(*deal, ctx);
    ctx.events.Fire("ONCRMDEALUPDATE", json::object{{"ID", std::to_string(*id)}}, ctx.auth_connector, ctx.now);
    return CallResult::Ok(true);
}

CallResult RowsGet(CallContext& ctx, json::object const& params) {
    auto id = ParamInt(params, "id");
    if (!id || ctx.crm.deals.Find(*id) == nullptr) {
        return CallResult::Legacy("Not found");
    }
    json::array out;
    for (auto const& row : ctx.crm.product_rows[*id]) {
        out.push_back(ReplyRow(row));
    }
    return CallResult::Ok(std::move(out));
}

}  // namespace

void RegisterProductRowMethods(MethodTable& table) {
    table["crm.deal.productrows.set"] = RowsSet;
    table["crm.deal.productrows.get"] = RowsGet;
}

}  // namespace b2b::emu::bitrix24
