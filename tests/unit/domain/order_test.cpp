#include "core/domain/order.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace b2b {
namespace {

using ::testing::ElementsAre;

Decimal D(std::int64_t units, int digits = 0) { return *Decimal::FromScaled(units, digits); }

Order Valid() {
    Order o;
    o.id = CanonicalId("ord-1");
    o.number = "1001";
    o.stage = "manager_check";
    o.buyer.name = "ООО Ромашка";
    OrderLine a;
    a.name = "Болт М8";
    a.quantity.value = D(100);
    a.unit_price = D(125, 1);  // 12.5
    a.vat_rate = D(20);
    a.sum = D(1250);
    OrderLine b;
    b.name = "Проволока";
    b.quantity.value = D(25, 1);  // 2.5 kg
    b.unit_price = D(300);
    b.discount = D(50);
    b.sum = D(700);
    o.lines = {a, b};
    o.delivery.price = D(500);
    o.total = D(2450);
    return o;
}

TEST(OrderValidation, AConsistentOrderPasses) { EXPECT_TRUE(Validate(Valid())); }

TEST(OrderValidation, LineSumsAndTotalAreChecked) {
    Order o = Valid();
    o.lines[1].sum = D(750);  // the discount was forgotten
    EXPECT_THAT(FindProblems(o),
                ElementsAre(FieldProblem{"lines[1].sum", "\"750\": expected 700.00 (unit_price x quantity - discount)"},
                            FieldProblem{"total", "\"2450\": expected 2500.00 (line sums + delivery price)"}));
    auto status = Validate(o);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().message.substr(0, 22), "order 1001: lines[1].s");
}

TEST(OrderValidation, LineFieldsAreNamed) {
    Order o = Valid();
    o.lines[0].name.clear();
    o.lines[0].quantity.value = D(0);
    o.lines[0].sum = D(0);
    o.lines[0].vat_rate = D(120);
    o.lines[1].discount = D(800);
    o.total = D(500);
    EXPECT_THAT(FindProblems(o),
                ElementsAre(FieldProblem{"lines[0].name", "is required"},
                            FieldProblem{"lines[0].quantity", "\"0\": must be greater than 0"},
                            FieldProblem{"lines[0].vat_rate", "\"120\": must be a percent within 0..100"},
                            FieldProblem{"lines[1].discount", "\"800\": must be within 0..750"},
                            FieldProblem{"total", "\"500\": expected 1200.00 (line sums + delivery price)"}));
}

TEST(OrderValidation, RequiredFieldsAndBuyerProblemsArePrefixed) {
    Order o = Valid();
    o.id = CanonicalId("");
    o.stage.clear();
    o.lines.clear();
    o.total = D(500);
    o.buyer.inn = "123";
    EXPECT_THAT(FindProblems(o), ElementsAre(FieldProblem{"id", "is required"}, FieldProblem{"stage", "is required"},
                                             FieldProblem{"buyer.inn", "\"123\": must be 10 digits for a legal_entity"},
                                             FieldProblem{"lines", "an order needs at least one line"}));
}

TEST(OrderValidation, StateNamesRoundTrip) {
    for (auto s : {PaymentState::kUnpaid, PaymentState::kPartlyPaid, PaymentState::kPaid}) {
        EXPECT_EQ(ParsePaymentState(ToString(s)).value(), s);
    }
    for (auto s : {ShipmentState::kNotShipped, ShipmentState::kPartlyShipped, ShipmentState::kShipped}) {
        EXPECT_EQ(ParseShipmentState(ToString(s)).value(), s);
    }
    EXPECT_FALSE(ParsePaymentState("half"));
}

}  // namespace
}  // namespace b2b
