#include "tests/emulators/bitrix24/oauth.hpp"

#include "tests/emulators/bitrix24/params.hpp"

#include <cmath>
#include <cstdio>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

constexpr double kCodeTtl = 30;

Reply OAuthError(unsigned status, std::string const& code, std::string const& description) {
    return JsonReply(status, json::object{{"error", code}, {"error_description", description}});
}

}  // namespace

std::string OAuthServer::NextToken(char const* kind) {
    // Deterministic but distinct tokens: a counter mixed into a hex string of realistic length.
    ++counter_;
    char buf[80];
    std::snprintf(buf, sizeof buf, "%s%016llx%016llx", kind, static_cast<unsigned long long>(counter_ * 0x9E3779B97F4A7C15ULL),
                  static_cast<unsigned long long>(counter_));
    return buf;
}

std::string OAuthServer::MintCode(double now) {
    auto code = NextToken("c");
    codes_[code] = now + kCodeTtl;
    return code;
}

json::object OAuthServer::Issue(double now) {
    auto access = NextToken("a");
    auto refresh = NextToken("r");
    access_[access] = now + config_.access_ttl;
    refresh_[refresh] = now + config_.refresh_ttl;
    return json::object{{"access_token", access},
                        {"expires", static_cast<std::int64_t>(std::floor(now + config_.access_ttl))},
                        {"expires_in", static_cast<std::int64_t>(config_.access_ttl)},
                        {"scope", config_.scope},
                        {"domain", "oauth.bitrix.info"},
                        {"server_endpoint", "https://oauth.bitrix.info/rest/"},
                        {"status", "L"},
                        {"client_endpoint", client_endpoint_},
                        {"member_id", member_id_},
                        {"user_id", 1},
                        {"refresh_token", refresh}};
}

Reply OAuthServer::HandleToken(json::object const& params, double now) {
    auto grant = ParamString(params, "grant_type").value_or("");
    if (ParamString(params, "client_id").value_or("") != config_.client_id ||
        ParamString(params, "client_secret").value_or("") != config_.client_secret) {
        return OAuthError(401, "invalid_client", "Invalid client credentials");
    }
    if (grant == "authorization_code") {
        auto code = ParamString(params, "code").value_or("");
        auto it = codes_.find(code);
        if (it == codes_.end() || it->second < now) {
            return OAuthError(400, "invalid_grant", "Invalid authorization code");
        }
        codes_.erase(it);
        return JsonReply(200, Issue(now));
    }
    if (grant == "refresh_token") {
        auto token = ParamString(params, "refresh_token").value_or("");
        auto it = refresh_.find(token);
        if (it == refresh_.end() || it->second < now) {
            ++refresh_rejected_;
            return OAuthError(400, "invalid_grant", "Invalid refresh token");
        }
        refresh_.erase(it);  // rotation: the old refresh token is dead from now on
        ++refresh_grants_;
        return JsonReply(200, Issue(now));
    }
    return OAuthError(400, "invalid_request", "Unsupported grant_type");
}

OAuthServer::TokenState OAuthServer::Check(std::string const& access_token, double now) const {
    auto it = access_.find(access_token);
    if (it == access_.end()) {
        return TokenState::kUnknown;
    }
    return it->second < now ? TokenState::kExpired : TokenState::kValid;
}

void OAuthServer::Revoke() {
    access_.clear();
    refresh_.clear();
    codes_.clear();
}

void OAuthServer::Reset() {
    Revoke();
    refresh_grants_ = 0;
    refresh_rejected_ = 0;
}

}  // namespace b2b::emu::bitrix24
