#include "core/flows/site_status_deliverer.hpp"

#include "connectors/onec/order_feed.hpp"
#include "core/util/log.hpp"

namespace b2b::flows {

std::vector<Status> SiteStatusDeliverer::DeliverBatch(std::span<store::Job const> jobs) {
    std::vector<Status> results(jobs.size());
    std::vector<onec::CmlDocument> documents;
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        auto document = onec::DecodeOrderDocument(jobs[i].payload);
        if (!document) {
            results[i] = document.error();
            continue;
        }
        documents.push_back(std::move(*document));
        positions.push_back(i);
    }
    if (documents.empty()) {
        return results;
    }
    std::lock_guard lock(mutex_);
    auto report = client_->PushDocuments(documents);
    for (std::size_t i : positions) {
        if (!report) {
            results[i] = report.error();
        }
    }
    if (report) {
        for (auto const& message : report->site_messages) {
            // Bitrix answers success but lists what it did not apply (e.g. statuses from 1C are off
            // in its sale module): the jobs are done, the admin must see this.
            log::Warn("site", "the site did not apply everything", {{"message", message}});
        }
    }
    return results;
}

site::SiteOrderUpdate UpdateOf(onec::CmlDocument const& document) {
    site::SiteOrderUpdate update;
    update.order_id = document.id;
    update.order_number = document.number;
    update.status_id = document.order_status_id;
    update.paid = document.paid;
    update.cancelled = document.cancelled;
    update.number_1c = document.number_1c;
    for (auto const& r : document.requisites) {
        if (r.name == "Отгружен") {
            update.shipped = r.value == "true";
        }
    }
    return update;
}

std::vector<Status> SiteWebhookStatusDeliverer::DeliverBatch(std::span<store::Job const> jobs) {
    std::vector<Status> results;
    results.reserve(jobs.size());
    for (auto const& job : jobs) {
        auto document = onec::DecodeOrderDocument(job.payload);
        if (!document) {
            results.push_back(document.error());
            continue;
        }
        results.push_back(sender_->Send(UpdateOf(*document)));
    }
    return results;
}

}  // namespace b2b::flows
