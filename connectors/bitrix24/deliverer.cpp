#include "connectors/bitrix24/deliverer.hpp"

#include <fmt/format.h>

#include "connectors/bitrix24/payload.hpp"

namespace b2b::bitrix24 {

Bitrix24Deliverer::Bitrix24Deliverer(RestClient& client, Pipeline pipeline)
    : client_(client), writer_(client, std::move(pipeline)) {}

Result<std::unique_ptr<Bitrix24Deliverer>> Bitrix24Deliverer::Create(RestClient& client,
                                                                     PipelineConfig const& config) {
    auto pipeline = ResolvePipeline(client, config);
    if (!pipeline) {
        return pipeline.error();
    }
    return std::make_unique<Bitrix24Deliverer>(client, std::move(*pipeline));
}

std::vector<Status> Bitrix24Deliverer::DeliverBatch(std::span<store::Job const> jobs) {
    std::vector<Status> out(jobs.size());
    std::vector<Counterparty> companies;
    std::vector<std::size_t> company_jobs;
    std::vector<Order> orders;
    std::vector<std::size_t> order_jobs;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        auto const& job = jobs[i];
        auto const context = fmt::format("job {}", job.id);
        if (job.kind == kUpsertCompany) {
            if (auto c = ParseCounterparty(job.payload)) {
                companies.push_back(std::move(*c));
                company_jobs.push_back(i);
            } else {
                out[i] = c.error().WithContext(context);
            }
        } else if (job.kind == kUpsertDeal) {
            if (auto o = ParseOrder(job.payload)) {
                orders.push_back(std::move(*o));
                order_jobs.push_back(i);
            } else {
                out[i] = o.error().WithContext(context);
            }
        } else {
            out[i] = Error::Permanent(fmt::format("{}: bitrix24 cannot deliver job kind \"{}\" (known: {}, {})",
                                                  context, job.kind, kUpsertCompany, kUpsertDeal));
        }
    }
    auto const company_results = writer_.EnsureCompanies(companies);
    for (std::size_t k = 0; k < company_jobs.size(); ++k) {
        if (!company_results[k]) {
            out[company_jobs[k]] = company_results[k].error();
        }
    }
    auto const deal_results = writer_.EnsureDeals(orders);
    for (std::size_t k = 0; k < order_jobs.size(); ++k) {
        if (!deal_results[k]) {
            out[order_jobs[k]] = deal_results[k].error();
        }
    }
    return out;
}

void Bitrix24Deliverer::Cancel() { client_.Cancel(); }

}  // namespace b2b::bitrix24
