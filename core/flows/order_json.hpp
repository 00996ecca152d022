#pragma once

#include <string>
#include <string_view>

#include "core/domain/counterparty.hpp"
#include "core/domain/order.hpp"
#include "core/util/error.hpp"

namespace b2b::flows {

/// The canonical order as the JSON kept in `orders.document` and carried by order jobs: every
/// field of b2b::Order; Decimals as canonical strings ("1798.2"), times as ISO 8601 with their own
/// offset, enums by their ToString spelling. DecodeOrder(EncodeOrder(o)) == o.
std::string EncodeOrder(Order const& order);

/// The inverse. Permanent error `order document: <member>: <reason>` for anything EncodeOrder does
/// not produce.
Result<Order> DecodeOrder(std::string_view json);

/// The same for a counterparty on its own (company jobs).
std::string EncodeCounterparty(Counterparty const& counterparty);
Result<Counterparty> DecodeCounterparty(std::string_view json);

}  // namespace b2b::flows
