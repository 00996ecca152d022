#include "connectors/onec/exchange_sale.hpp"

#include <span>
#include <utility>

namespace b2b::onec {

char const* OrdersContentType(CmlOutputEncoding encoding) noexcept {
    return encoding == CmlOutputEncoding::kWindows1251 ? "application/xml; charset=windows-1251"
                                                       : "application/xml; charset=utf-8";
}

SaleQueryResult AnswerSaleQuery(OrderFeed& feed, std::string_view session_id, WriterOptions writer) {
    SaleQueryResult result;
    auto pending = feed.PendingForQuery();
    if (!pending) {
        result.answer = ExchangeAnswer::Failure("store", "b2bsync store error: " + pending.error().message);
        return result;
    }
    writer.replace_unmappable = true;
    std::vector<CmlDocument> documents;
    std::vector<store::OfferedOrder> offered;
    documents.reserve(pending->size());
    for (auto& order : *pending) {
        offered.push_back(store::OfferedOrder{order.document.id, order.version});
        documents.push_back(std::move(order.document));
    }
    auto xml = WriteOrders(documents, writer);
    if (!xml) {
        // Find the orders that cannot be written, one by one, only on this rare path.
        std::vector<CmlDocument> writable;
        std::vector<store::OfferedOrder> writable_offered;
        for (std::size_t i = 0; i < documents.size(); ++i) {
            if (auto one = WriteOrders(std::span<CmlDocument const>(&documents[i], 1), writer); !one) {
                result.unwritable.push_back(one.error().message);
                continue;
            }
            writable.push_back(std::move(documents[i]));
            writable_offered.push_back(std::move(offered[i]));
        }
        documents = std::move(writable);
        offered = std::move(writable_offered);
        xml = WriteOrders(documents, writer);
        if (!xml) {
            result.answer = ExchangeAnswer::Failure("writer", xml.error().message);
            return result;
        }
    }
    if (auto st = feed.MarkOffered(session_id, offered); !st) {
        result.answer = ExchangeAnswer::Failure("store", "b2bsync store error: " + st.error().message);
        return result;
    }
    result.offered = offered.size();
    result.answer = ExchangeAnswer::Document(std::move(*xml), OrdersContentType(writer.encoding));
    return result;
}

ExchangeAnswer AnswerSaleSuccess(OrderFeed& feed, std::string_view session_id, std::size_t& confirmed) {
    auto count = feed.ConfirmOffered(session_id);
    if (!count) {
        return ExchangeAnswer::Failure("store", "b2bsync store error: " + count.error().message);
    }
    confirmed = *count;
    return ExchangeAnswer::Success();
}

}  // namespace b2b::onec
