#include "core/app/config_reload.hpp"

namespace b2b::app {

std::vector<std::string> RestartRequiredChanges(config::AppConfig const& a, config::AppConfig const& b) {
    std::vector<std::string> changed;
    auto check = [&changed](bool differs, char const* key) {
        if (differs) {
            changed.emplace_back(key);
        }
    };
    check(a.instance != b.instance, "instance");
    check(a.state_dir != b.state_dir, "state_dir");
    check(!(a.server.listen == b.server.listen), "server.listen");
    check(a.server.max_body != b.server.max_body, "server.max_body");
    check(a.server.header_timeout != b.server.header_timeout, "server.header_timeout");
    check(a.server.request_timeout != b.server.request_timeout, "server.request_timeout");
    check(a.server.idle_timeout != b.server.idle_timeout, "server.idle_timeout");
    check(a.server.max_connections != b.server.max_connections, "server.max_connections");
    check(!(a.admin.listen == b.admin.listen), "admin.listen");
    check(a.store.path != b.store.path, "store.path");
    check(a.store.busy_timeout != b.store.busy_timeout, "store.busy_timeout");
    check(a.queue.workers != b.queue.workers, "queue.workers");
    check(a.queue.batch_size != b.queue.batch_size, "queue.batch_size");
    check(a.queue.lease != b.queue.lease, "queue.lease");
    check(a.queue.max_attempts != b.queue.max_attempts, "queue.max_attempts");
    check(a.queue.poll_interval != b.queue.poll_interval, "queue.poll_interval");
    check(a.queue.backoff.initial != b.queue.backoff.initial || a.queue.backoff.multiplier != b.queue.backoff.multiplier ||
              a.queue.backoff.max != b.queue.backoff.max || a.queue.backoff.jitter != b.queue.backoff.jitter,
          "queue.backoff");
    check(a.onec.enabled != b.onec.enabled || a.onec.path != b.onec.path || a.onec.user != b.onec.user ||
              a.onec.password.Reveal() != b.onec.password.Reveal() || a.onec.file_limit != b.onec.file_limit ||
              a.onec.zip != b.onec.zip || a.onec.work_dir != b.onec.work_dir ||
              a.onec.import_slice != b.onec.import_slice || a.onec.answer_encoding != b.onec.answer_encoding ||
              a.onec.utc_offset != b.onec.utc_offset || a.onec.sale_enabled != b.onec.sale_enabled ||
              a.onec.sale_schema_version != b.onec.sale_schema_version ||
              a.onec.sale_encoding != b.onec.sale_encoding,
          "onec");
    // The connector is composed once at start (resolved pipeline, limiter, events route): any change restarts it.
    auto const& ab = a.bitrix24;
    auto const& bb = b.bitrix24;
    check(ab.webhook_url.Reveal() != bb.webhook_url.Reveal() || ab.pipeline != bb.pipeline || ab.stages != bb.stages ||
              ab.rate.burst != bb.rate.burst || ab.rate.per_second != bb.rate.per_second || ab.timeout != bb.timeout ||
              ab.application_token.Reveal() != bb.application_token.Reveal() || ab.events.mode != bb.events.mode ||
              ab.events.path != bb.events.path || ab.events.poll_interval != bb.events.poll_interval ||
              ab.auth != bb.auth || ab.auth_connector != bb.auth_connector ||
              ab.oauth.portal_url != bb.oauth.portal_url || ab.oauth.client_id != bb.oauth.client_id ||
              ab.oauth.client_secret.Reveal() != bb.oauth.client_secret.Reveal() ||
              ab.oauth.refresh_token.Reveal() != bb.oauth.refresh_token.Reveal() ||
              ab.oauth.server_url != bb.oauth.server_url,
          "bitrix24");
    bool same_targets = a.targets.size() == b.targets.size();
    for (auto const& [name, _] : a.targets) {
        same_targets = same_targets && b.targets.contains(name);
    }
    check(!same_targets, "targets (added or removed)");
    return changed;
}

}  // namespace b2b::app
