#pragma once

#include "core/domain/counterparty.hpp"
#include "core/domain/order.hpp"
#include "mappings/engine/value.hpp"

/// The canonical model exposed to mappings: the declared schema of each source kind and the value
/// tree built from an entity. The two are kept in step by a test that walks the schema over a
/// fully filled entity.
namespace b2b::mapping {

/// Roots `order` and `buyer` (= order.buyer); `each: order.lines` binds `line`.
SourceSchema const& OrderSource();
/// Root `counterparty`; `each:` over phones, emails, addresses, bank_accounts binds phone, email,
/// address, account.
SourceSchema const& CounterpartySource();

/// The source schema named "order" or "counterparty", or nullptr.
SourceSchema const* FindSource(std::string_view name);

/// Roots for an order: {"order": ..., "buyer": ...}.
Record OrderRoots(Order const& order);
/// Roots for a counterparty: {"counterparty": ...}.
Record CounterpartyRoots(Counterparty const& counterparty);

/// The counterparty record alone (also used as order.buyer).
Value CounterpartyValue(Counterparty const& c);

}  // namespace b2b::mapping
