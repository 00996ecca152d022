#include "core/http/text_response.hpp"

#include <utility>

namespace b2b::http {

Response MakeTextResponse(beast_http::status status, std::string text, unsigned version) {
    Response response{status, version};
    response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
    text += '\n';
    response.body() = std::move(text);
    return response;
}

}  // namespace b2b::http
