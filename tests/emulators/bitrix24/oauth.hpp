#pragma once

#include "tests/emulators/bitrix24/envelope.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace b2b::emu::bitrix24 {

/// Fake oauth.bitrix.info (bitrix24.md §1.2): authorization_code and refresh_token grants,
/// single-use refresh tokens (rotation: the old one becomes invalid_grant at once, so of two
/// concurrent refreshes with one token exactly one wins), configurable access-token TTL.
class OAuthServer {
public:
    struct Config {
        std::string client_id = "local.emu0client";
        std::string client_secret = "emu-client-secret";
        double access_ttl = 3600;
        double refresh_ttl = 180.0 * 24 * 3600;
        std::string scope = "crm,entity,im,task";
    };
    enum class TokenState { kValid, kExpired, kUnknown };

    explicit OAuthServer(Config config) : config_(std::move(config)) {}

    /// GET/POST /oauth/token/ with the grant params already parsed.
    Reply HandleToken(boost::json::object const& params, double now);
    /// A 30-second authorization code, as if a user had just approved the app.
    std::string MintCode(double now);
    /// A fresh token pair without the redirect dance (like the ONAPPINSTALL payload).
    boost::json::object Issue(double now);
    TokenState Check(std::string const& access_token, double now) const;

    Config& config() { return config_; }
    void set_client_endpoint(std::string endpoint) { client_endpoint_ = std::move(endpoint); }
    std::string const& member_id() const { return member_id_; }
    /// The app was removed from the portal: every token it holds dies (refresh -> invalid_grant,
    /// calls -> NO_AUTH_FOUND).
    void Revoke();
    void Reset();

    /// For assertions: refresh_token grants answered with a new pair / refused with invalid_grant.
    std::int64_t refresh_grants() const { return refresh_grants_; }
    std::int64_t refresh_rejected() const { return refresh_rejected_; }

private:
    std::string NextToken(char const* kind);

    Config config_;
    std::string client_endpoint_;
    std::string member_id_ = "emu0member0id";
    std::map<std::string, double> access_;   // token -> expiry
    std::map<std::string, double> refresh_;  // token -> expiry
    std::map<std::string, double> codes_;    // code -> expiry
    std::uint64_t counter_ = 0;
    std::int64_t refresh_grants_ = 0;
    std::int64_t refresh_rejected_ = 0;
};

}  // namespace b2b::emu::bitrix24
