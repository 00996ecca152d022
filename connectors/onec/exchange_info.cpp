#include "connectors/onec/exchange_info.hpp"

#include "connectors/onec/exchange_sale.hpp"
#include "connectors/onec/xml_out.hpp"

namespace b2b::onec {
namespace {

// Latin "C" + Cyrillic "татусы": Bitrix's spelling, see the header.
constexpr char kStatuses[] = "C\xD1\x82\xD0\xB0\xD1\x82\xD1\x83\xD1\x81\xD1\x8B";

void WriteEntries(XmlOut& out, std::string_view list_name, std::vector<SaleInfoEntry> const& entries) {
    out.Open(list_name);
    for (auto const& entry : entries) {
        out.Open("Элемент");
        out.Leaf("Ид", entry.id);
        out.Leaf("Название", entry.name);
        out.Close();
    }
    out.Close();
}

}  // namespace

ExchangeAnswer AnswerSaleInfo(SaleInfo const& info, CmlOutputEncoding encoding) {
    bool const cp1251 = encoding == CmlOutputEncoding::kWindows1251;
    XmlOut out(cp1251 ? XmlCharset::kWindows1251 : XmlCharset::kUtf8, UnmappablePolicy::kQuestionMark);
    out.Declaration(!cp1251);
    out.Open("Справочник");
    WriteEntries(out, kStatuses, info.statuses);
    WriteEntries(out, "ПлатежныеСистемы", info.payment_systems);
    out.Close();
    if (auto const& failure = out.Failure()) {
        return ExchangeAnswer::Failure("writer", "cannot write the sale info directory: " + failure->message);
    }
    return ExchangeAnswer::Document(out.Take(), OrdersContentType(encoding));
}

}  // namespace b2b::onec
