#include "core/domain/order.hpp"

#include "core/domain/money.hpp"

namespace b2b {
namespace {

void CheckLine(Order const& o, std::size_t index, std::vector<FieldProblem>& out) {
    OrderLine const& line = o.lines[index];
    std::string const at = "lines[" + std::to_string(index) + "].";
    auto add = [&out, &at](char const* field, std::string message) {
        out.push_back(FieldProblem{at + field, std::move(message)});
    };
    if (line.name.empty()) {
        add("name", "is required");
    }
    if (line.quantity.value <= Decimal()) {
        add("quantity", "\"" + line.quantity.value.ToString() + "\": must be greater than 0");
    }
    if (line.unit_price.IsNegative()) {
        add("unit_price", "\"" + line.unit_price.ToString() + "\": must not be negative");
    }
    if (line.vat_rate && (line.vat_rate->IsNegative() || *line.vat_rate > Decimal::FromRaw(100 * Decimal::kOne))) {
        add("vat_rate", "\"" + line.vat_rate->ToString() + "\": must be a percent within 0..100");
    }
    auto gross = Multiply(Money{line.unit_price, o.currency}, line.quantity);
    if (!gross) {
        add("sum", gross.error().message);
        return;
    }
    if (line.discount.IsNegative() || line.discount > gross->amount) {
        add("discount", "\"" + line.discount.ToString() + "\": must be within 0.." + gross->amount.ToString());
        return;
    }
    Decimal const expected = gross->amount - line.discount;
    if (line.sum != expected) {
        add("sum", "\"" + line.sum.ToString() + "\": expected " + expected.ToString(o.currency.MinorDigits()) +
                       " (unit_price x quantity - discount)");
    }
}

}  // namespace

std::string_view ToString(PaymentState s) noexcept {
    switch (s) {
        case PaymentState::kUnpaid:
            return "unpaid";
        case PaymentState::kPartlyPaid:
            return "partly_paid";
        case PaymentState::kPaid:
            return "paid";
    }
    return "unpaid";
}

Result<PaymentState> ParsePaymentState(std::string_view text) {
    for (auto s : {PaymentState::kUnpaid, PaymentState::kPartlyPaid, PaymentState::kPaid}) {
        if (ToString(s) == text) {
            return s;
        }
    }
    return Error::Permanent("unknown payment state \"" + std::string(text) +
                            "\"; expected unpaid, partly_paid or paid");
}

std::string_view ToString(ShipmentState s) noexcept {
    switch (s) {
        case ShipmentState::kNotShipped:
            return "not_shipped";
        case ShipmentState::kPartlyShipped:
            return "partly_shipped";
        case ShipmentState::kShipped:
            return "shipped";
    }
    return "not_shipped";
}

Result<ShipmentState> ParseShipmentState(std::string_view text) {
    for (auto s : {ShipmentState::kNotShipped, ShipmentState::kPartlyShipped, ShipmentState::kShipped}) {
        if (ToString(s) == text) {
            return s;
        }
    }
    return Error::Permanent("unknown shipment state \"" + std::string(text) +
                            "\"; expected not_shipped, partly_shipped or shipped");
}

std::vector<FieldProblem> FindProblems(Order const& o) {
    std::vector<FieldProblem> out;
    if (o.id.value().empty()) {
        out.push_back({"id", "is required"});
    }
    if (o.number.empty()) {
        out.push_back({"number", "is required"});
    }
    if (o.stage.empty()) {
        out.push_back({"stage", "is required"});
    }
    for (auto& p : FindProblems(o.buyer)) {
        out.push_back({"buyer." + p.field, std::move(p.message)});
    }
    if (o.lines.empty()) {
        out.push_back({"lines", "an order needs at least one line"});
    }
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
        CheckLine(o, i, out);
    }
    if (o.delivery.price.IsNegative()) {
        out.push_back({"delivery.price", "\"" + o.delivery.price.ToString() + "\": must not be negative"});
    }
    Decimal expected = o.delivery.price;
    bool summed = true;
    for (auto const& line : o.lines) {
        auto next = Add(expected, line.sum);
        summed = summed && next.has_value();
        expected = next ? *next : expected;
    }
    if (summed && o.total != expected) {
        out.push_back({"total", "\"" + o.total.ToString() + "\": expected " +
                                    expected.ToString(o.currency.MinorDigits()) + " (line sums + delivery price)"});
    }
    return out;
}

Status Validate(Order const& o) {
    auto problems = FindProblems(o);
    if (problems.empty()) {
        return {};
    }
    return Error::Permanent(DescribeProblems("order " + (o.number.empty() ? o.id.value() : o.number), problems));
}

}  // namespace b2b
