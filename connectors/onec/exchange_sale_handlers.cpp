// The sale side of 1C's exchange (commerceml.md §1.7, §2.2): the orders query and its commit point,
// and old 1C's upload that is imported inside mode=file.
#include <chrono>

#include "connectors/onec/exchange_endpoint_core.hpp"
#include "connectors/onec/exchange_sale.hpp"
#include "core/util/log.hpp"

namespace b2b::onec {

using exchange_detail::kLog;
using exchange_detail::Param;
using exchange_detail::StoreFailure;

// Old 1C (no version at init) never calls mode=import for sale: the upload is imported in the
// same request, and only problems are reported after `success` (commerceml.md §1.7).
ExchangeAnswer OneCExchangeEndpoint::Core::ImportNow(ExchangeSession const& session, std::string const& name,
                                                     std::uint64_t size) {
    if (size == 0) {
        return ExchangeAnswer::Failure("empty_file", kEmptySaleFile);
    }
    for (;;) {
        std::uint64_t skipped = 0;
        ExchangeAnswer answer = ImportNamed(session, name, skipped);
        if (answer.status == AnswerStatus::kProgress) {
            continue;  // every slice reads at least one record or ends the file
        }
        if (answer.status == AnswerStatus::kSuccess) {
            answer.lines.clear();
            if (skipped > 0) {
                answer.lines.push_back(name + ": " + std::to_string(skipped) +
                                       " records could not be read and were skipped");
            }
        }
        return answer;
    }
}

ExchangeAnswer OneCExchangeEndpoint::Core::Query(ExchangeSession const& session) {
    WriterOptions writer;
    writer.schema_version = options.sale_schema_version;
    writer.encoding = options.sale_encoding;
    writer.generated_at =
        ZonedTime{std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(clock.NowMillis())),
                  options.default_utc_offset};
    auto result = AnswerSaleQuery(feed, session.id, writer);
    for (auto const& problem : result.unwritable) {
        metrics.GetCounter("b2b_onec_sale_unwritable_orders_total", "Orders left out of a sale query answer").Inc();
        log::Warn(kLog, "order left out of the query answer; it stays queued",
                  {{"session", session.id}, {"problem", problem}});
    }
    if (result.answer.document) {
        log::Info(kLog, "orders offered to 1C", {{"session", session.id}, {"orders", result.offered}});
    }
    return std::move(result.answer);
}

ExchangeAnswer OneCExchangeEndpoint::Core::Commit(ExchangeSession const& session) {
    std::size_t confirmed = 0;
    auto answer = AnswerSaleSuccess(feed, session.id, confirmed);
    if (answer.status == AnswerStatus::kSuccess) {
        log::Info(kLog, "1C confirmed the orders it received", {{"session", session.id}, {"orders", confirmed}});
    }
    return answer;
}

}  // namespace b2b::onec
