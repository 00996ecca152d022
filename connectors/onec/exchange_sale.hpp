#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/onec/cml_writer.hpp"
#include "connectors/onec/exchange_answer.hpp"
#include "connectors/onec/order_feed.hpp"

namespace b2b::onec {

/// "application/xml; charset=windows-1251" or "application/xml; charset=utf-8" (commerceml.md §1.10).
char const* OrdersContentType(CmlOutputEncoding encoding) noexcept;

/// What one sale mode=query did.
struct SaleQueryResult {
    ExchangeAnswer answer;  ///< the orders document, or `failure` on a store error
    std::size_t offered = 0;
    /// "order <Ид>: <reason>" for orders WriteOrders refused (e.g. invalid UTF-8 in a name). They
    /// are left out of this answer and stay pending, so one bad order does not block the feed.
    std::vector<std::string> unwritable;
};

/// The answer to `type=sale&mode=query` (commerceml.md §1.7): every pending order written with
/// `writer` (characters windows-1251 lacks become '?' rather than blocking the order), recorded as
/// offered to `session_id` at the version written. No pending orders → the root element alone.
/// Blocking (SQLite): run on the worker.
SaleQueryResult AnswerSaleQuery(OrderFeed& feed, std::string_view session_id, WriterOptions writer);

/// The answer to `type=sale&mode=success` of an authenticated session: confirms what the session's
/// last query offered. `confirmed` receives the count.
ExchangeAnswer AnswerSaleSuccess(OrderFeed& feed, std::string_view session_id, std::size_t& confirmed);

/// Bitrix's text for an old-1C upload with no bytes (commerceml.md §1.7), in UTF-8.
inline constexpr char const* kEmptySaleFile = "Файл для импорта пуст.";

}  // namespace b2b::onec
