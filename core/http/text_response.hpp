#pragma once

#include <string>

#include "core/http/router.hpp"

namespace b2b::http {

/// The server's own short answers (errors, 503): `text/plain; charset=utf-8`, the body is one line
/// saying what was wrong, ending in '\n'. Keep-alive, Server and Content-Length are set by the caller.
Response MakeTextResponse(beast_http::status status, std::string text, unsigned version = 11);

}  // namespace b2b::http
