#include "core/http/router.hpp"

#include <stdexcept>
#include <utility>

namespace b2b::http {

std::string_view TargetPath(std::string_view target) noexcept {
    auto const end = target.find_first_of("?#");
    return end == std::string_view::npos ? target : target.substr(0, end);
}

void Router::Add(beast_http::verb method, std::string path, Handler handler, RouteOptions options) {
    if (path.empty() || path.front() != '/') {
        throw std::invalid_argument("http route path must start with '/': \"" + path + "\"");
    }
    if (!handler) {
        throw std::invalid_argument("http route " + path + " has no handler");
    }
    auto& routes = routes_[path];
    for (auto const& route : routes) {
        if (route.method == method) {
            throw std::invalid_argument("http route " + std::string(beast_http::to_string(method)) + " " + path +
                                        " is registered twice");
        }
    }
    routes.push_back(Route{method, std::move(path), std::move(handler), options});
}

RouteMatch Router::Find(beast_http::verb method, std::string_view target) const {
    RouteMatch match;
    auto const it = routes_.find(TargetPath(target));
    if (it == routes_.end()) {
        return match;
    }
    match.path = it->first;
    for (auto const& route : it->second) {
        if (route.method == method) {
            match.kind = RouteMatch::Kind::kFound;
            match.route = &route;
            return match;
        }
    }
    match.kind = RouteMatch::Kind::kMethodNotAllowed;
    for (auto const& route : it->second) {
        if (!match.allow.empty()) {
            match.allow += ", ";
        }
        match.allow += beast_http::to_string(route.method);
    }
    return match;
}

}  // namespace b2b::http
