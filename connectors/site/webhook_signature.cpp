#include "connectors/site/webhook_signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstdint>

#include "core/http/auth.hpp"

namespace b2b::site {

std::string SignWebhook(std::string_view secret, std::string_view timestamp, std::string_view body) {
    std::string message;
    message.reserve(timestamp.size() + 1 + body.size());
    message.append(timestamp).append(".").append(body);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<unsigned char const*>(message.data()), message.size(), digest, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned int i = 0; i < length; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 0xF]);
    }
    return out;
}

char const* ToString(SignatureVerdict verdict) noexcept {
    switch (verdict) {
        case SignatureVerdict::kValid:
            return "valid";
        case SignatureVerdict::kMissing:
            return "missing";
        case SignatureVerdict::kStale:
            return "stale";
        case SignatureVerdict::kBadSignature:
            return "bad_signature";
    }
    return "bad_signature";
}

SignatureVerdict VerifyWebhook(std::string_view secret, std::string_view timestamp, std::string_view signature,
                               std::string_view body, UnixMillis now, std::chrono::seconds tolerance) {
    if (timestamp.empty() || signature.empty()) {
        return SignatureVerdict::kMissing;
    }
    std::int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
    // Bounded before any arithmetic: a forged "-9223372036854775808" must not overflow the skew.
    constexpr std::int64_t kYear3000 = 32'503'680'000;
    if (ec != std::errc() || ptr != timestamp.data() + timestamp.size() || seconds < 0 || seconds > kYear3000) {
        return SignatureVerdict::kStale;
    }
    auto const skew = now / 1000 - seconds;
    if (skew > tolerance.count() || -skew > tolerance.count()) {
        return SignatureVerdict::kStale;
    }
    // The signature is checked even when the caller could not know the secret: constant time, so the
    // answer's timing does not tell how many leading characters were right.
    return http::ConstantTimeEquals(SignWebhook(secret, timestamp, body), signature) ? SignatureVerdict::kValid
                                                                                   : SignatureVerdict::kBadSignature;
}

}  // namespace b2b::site
