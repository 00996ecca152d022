#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/counterparty.hpp"
#include "core/domain/currency.hpp"
#include "core/domain/decimal.hpp"
#include "core/domain/ids.hpp"
#include "core/domain/quantity.hpp"
#include "core/domain/zoned_time.hpp"
#include "core/util/error.hpp"

/// The canonical order (design.md §3): a site order, a 1C Документ "Заказ товара" and a Bitrix24
/// deal with its product rows are all converted into this. Pure data, no I/O. All amounts are in
/// the order's currency; money is Decimal, never double.
namespace b2b {

enum class PaymentState { kUnpaid, kPartlyPaid, kPaid };
std::string_view ToString(PaymentState s) noexcept;  ///< "unpaid", "partly_paid", "paid"
Result<PaymentState> ParsePaymentState(std::string_view text);

enum class ShipmentState { kNotShipped, kPartlyShipped, kShipped };
std::string_view ToString(ShipmentState s) noexcept;  ///< "not_shipped", "partly_shipped", "shipped"
Result<ShipmentState> ParseShipmentState(std::string_view text);

struct OrderLine {
    OneCId offer_id;  ///< 1C Ид of the offer ("product#variant" for characteristics)
    std::string article;
    std::string name;
    Quantity quantity;   ///< value and unit (OKEI)
    Decimal unit_price;  ///< price per unit before the discount
    Decimal discount;    ///< discount amount on the whole line (0 = none)
    /// VAT percent ("20", "10", "0"); nullopt = "без НДС" (not the same as 0%).
    std::optional<Decimal> vat_rate;
    Decimal sum;  ///< what the buyer pays for the line: unit_price x quantity - discount
    friend bool operator==(OrderLine const&, OrderLine const&) = default;
};

struct Delivery {
    std::string method;  ///< site delivery service name
    std::string address;
    Decimal price;  ///< included in the order total
    friend bool operator==(Delivery const&, Delivery const&) = default;
};

struct Order {
    CanonicalId id;
    std::string number;       ///< the number the buyer sees (the site's order number)
    SiteId site_id;           ///< the site's order ID
    std::string onec_number;  ///< Номер1С once 1C has the order; empty before
    ZonedTime date;
    Counterparty buyer;
    std::vector<OrderLine> lines;
    Currency currency = Currency::Rub();
    Decimal total;      ///< sum of line sums plus delivery price
    Decimal vat_total;  ///< VAT included in total (informational)
    Delivery delivery;
    std::string comment;
    std::string stage;           ///< canonical stage key: a row of the statuses table ("manager_check")
    std::string payment_method;  ///< the site's payment system name ("Счёт для юрлиц")
    PaymentState payment = PaymentState::kUnpaid;
    ShipmentState shipment = ShipmentState::kNotShipped;
    std::string onec_status;  ///< 1C's "Статус заказа" text as last received
    bool cancelled = false;
    friend bool operator==(Order const&, Order const&) = default;
};

/// Every problem in `o` (field paths as in FieldProblem, the buyer's prefixed "buyer."): id,
/// number and stage required; at least one line; per line: name, quantity > 0, unit_price >= 0,
/// discount within 0..price x quantity, VAT rate within 0..100, and sum equal to
/// unit_price x quantity - discount rounded to the currency's minor units; total equal to the sum
/// of line sums plus the delivery price; no negative delivery price.
std::vector<FieldProblem> FindProblems(Order const& o);

/// Ok, or a Permanent error naming the order and every bad field:
/// `order 1001: lines[0].sum "1800": expected 1798.20 (unit_price x quantity - discount)`.
Status Validate(Order const& o);

}  // namespace b2b
