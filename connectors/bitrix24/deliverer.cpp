#include "connectors/bitrix24/deliverer.hpp"

#include <fmt/format.h>

#include "connectors/bitrix24/events_stages.hpp"
#include "connectors/bitrix24/payload.hpp"
#include "core/util/log.hpp"

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
    std::lock_guard serial(batch_mutex_);
    std::vector<Status> out(jobs.size());
    std::vector<Counterparty> companies;
    std::vector<std::size_t> company_jobs;
    std::vector<Order> orders;
    std::vector<std::size_t> order_jobs;
    std::vector<std::size_t> single_jobs;
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
                if (known_) {
                    o->known_deal_id = known_("order", o->id).value_or(0);
                }
                orders.push_back(std::move(*o));
                order_jobs.push_back(i);
            } else {
                out[i] = o.error().WithContext(context);
            }
        } else if (job.kind == kUpsertContact || job.kind == kAddComment || job.kind == kAddTask ||
                   job.kind == kNotify) {
            single_jobs.push_back(i);  // after the companies and deals of this call
        } else {
            out[i] = Error::Permanent(
                fmt::format("{}: bitrix24 cannot deliver job kind \"{}\" (known: {}, {}, {}, {}, {}, {})", context,
                            job.kind, kUpsertCompany, kUpsertDeal, kUpsertContact, kAddComment, kAddTask, kNotify));
        }
    }
    // One call for both kinds: their lookups share one round and their writes share batches.
    auto const results = writer_.Ensure(companies, orders);
    std::vector<Link> links;
    for (std::size_t k = 0; k < company_jobs.size(); ++k) {
        if (!results.companies[k]) {
            out[company_jobs[k]] = results.companies[k].error();
        } else if (results.companies[k]->company_id > 0) {
            links.push_back({"counterparty", companies[k].id, results.companies[k]->company_id});
        }
    }
    for (std::size_t k = 0; k < order_jobs.size(); ++k) {
        if (auto const& deal = results.deals[k]; deal && deal->deal_id > 0) {
            links.push_back({"order", orders[k].id, deal->deal_id});
            if (deal->company_id > 0) {
                links.push_back({"counterparty", orders[k].counterparty.id, deal->company_id});
            }
        }
    }
    if (links_ && !links.empty()) {
        links_(links);
    }
    for (std::size_t k = 0; k < order_jobs.size(); ++k) {
        auto const& deal = results.deals[k];
        if (!deal) {
            out[order_jobs[k]] = deal.error();
        } else if (stages_ != nullptr && !deal->created && !deal->found_stage_id.empty()) {
            if (auto recorded = stages_->RecordStageIfUnknown(deal->deal_id, deal->found_stage_id); !recorded) {
                log::Warn("bitrix24", "could not record the stage of a deal we found",
                          {{"deal", deal->deal_id}, {"error", recorded.error().message}});
            }
        } else if (stages_ != nullptr && deal->created) {
            // We put it there: its ONCRMDEALADD echo must not look like a manager's move. A store
            // failure here costs at most one spurious "stage entered"; the deal itself is done.
            auto const stage = writer_.StageOf(orders[k]).value_or("");
            if (auto recorded = stages_->RecordOwnStage(deal->deal_id, stage); !recorded) {
                log::Warn("bitrix24", "could not record the stage of a deal we created",
                          {{"deal", deal->deal_id}, {"error", recorded.error().message}});
            }
        }
    }
    for (auto i : single_jobs) {
        out[i] = DeliverOne(jobs[i]);
    }
    return out;
}

Status Bitrix24Deliverer::DeliverOne(store::Job const& job) {
    auto const context = fmt::format("job {}", job.id);
    // The key the markers and notification tags carry: stable across retries of this job.
    auto const key = job.idempotency_key.empty() ? fmt::format("job-{}", job.id) : job.idempotency_key;
    auto done = [&](auto const& result) -> Status {
        if (!result) {
            return result.error().WithContext(context);
        }
        return {};
    };
    if (job.kind == kUpsertContact) {
        auto contact = ParseContact(job.payload);
        if (!contact) {
            return contact.error().WithContext(context);
        }
        auto id = EnsureContact(client_, *contact);
        if (id && links_) {
            links_(std::vector<Link>{{"contact", contact->id, *id}});
        }
        return done(id);
    }
    if (job.kind == kAddComment) {
        auto comment = ParseComment(job.payload);
        return comment ? done(AddComment(client_, *comment, key)) : done(comment);
    }
    if (job.kind == kAddTask) {
        auto task = ParseTask(job.payload);
        return task ? done(AddTask(client_, *task, key)) : done(task);
    }
    auto notification = ParseNotification(job.payload);
    return notification ? done(Notify(client_, *notification, key)) : done(notification);
}

void Bitrix24Deliverer::Cancel() { client_.Cancel(); }

}  // namespace b2b::bitrix24
