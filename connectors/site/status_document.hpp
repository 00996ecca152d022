#pragma once

#include <optional>
#include <string>

#include "connectors/onec/cml_model.hpp"

namespace b2b::site {

/// A change b2bsync wants the site to show for one of its orders (flow 3/4 of design.md §4).
struct SiteOrderUpdate {
    std::string order_id;      ///< the site's order Ид (as pulled)
    std::string order_number;  ///< the site's Номер (Bitrix also matches by it)
    std::string status_id;     ///< site status letter ("Статуса заказа ИД"), empty = unchanged
    std::optional<bool> paid;
    std::optional<bool> shipped;
    std::optional<bool> cancelled;
    std::string number_1c;     ///< "Номер по 1С", empty = not sent
};

/// The CommerceML Документ 1C would upload for this change (commerceml.md §3.8, 1C -> site):
/// requisites "Статуса заказа ИД", "Заказ оплачен", "Отгружен", "Отменен", "Номер по 1С", and the
/// lifted fields set to match, so a reader sees the same values either way.
onec::CmlDocument MakeUpdateDocument(SiteOrderUpdate const& update);

}  // namespace b2b::site
