#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/http/router.hpp"

namespace b2b::http {

/// Compares two secrets without revealing, through timing, where they first differ.
/// Contract: the loop always runs over max(a.size(), b.size()) bytes, the shorter input padded with
/// zero bytes, and a length difference is folded into the result instead of returning early; so the
/// running time depends only on the longer length, never on the content or on the position of the
/// first mismatch. (The length of the longer input is not hidden: secrets are not secret by length.)
bool ConstantTimeEquals(std::string_view a, std::string_view b) noexcept;

/// user-id and password from an `Authorization: Basic ...` header (RFC 7617).
struct BasicCredentials {
    std::string user;
    std::string password;
};

/// Parses the value of an Authorization header. The scheme is matched case-insensitively; the
/// credentials must be strict base64 (RFC 4648 alphabet, '=' padding to a multiple of 4) and must
/// contain a ':' (the password is everything after the first one and may contain ':').
/// Returns nullopt for anything else: empty header, other schemes (Bearer, Digest), bad base64,
/// missing colon.
std::optional<BasicCredentials> ParseBasicAuth(std::string_view authorization_header);

/// True when `request` carries Basic credentials equal to `user` and `password`. Both comparisons
/// are constant-time and both always run, so timing does not tell which one failed.
bool CheckBasicAuth(Request const& request, std::string_view user, std::string_view password);

/// Strict base64 decoding (RFC 4648 §4, padded); nullopt on any invalid character or length.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace b2b::http
