#include "core/domain/counterparty.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace b2b {
namespace {

using ::testing::ElementsAre;

Counterparty Legal() {
    Counterparty c;
    c.id = CanonicalId("cp-1");
    c.kind = CounterpartyKind::kLegalEntity;
    c.name = "ООО Ромашка";
    c.inn = "7701234560";
    c.kpp = "770101001";
    c.ogrn = "1027700132195";
    c.okpo = "12345678";
    c.bank_accounts = {{"40702810900000000001", "ПАО Сбербанк", "044525225", "30101810400000000225"}};
    c.contacts = {{ContactKind::kPhone, "+7 495 123-45-67", "work"}, {ContactKind::kEmail, "a@b.ru", "work"}};
    return c;
}

TEST(CounterpartyValidation, AValidLegalEntityAndSoleProprietorPass) {
    EXPECT_TRUE(Validate(Legal()));
    Counterparty ip;
    ip.id = CanonicalId("cp-2");
    ip.kind = CounterpartyKind::kSoleProprietor;
    ip.name = "ИП Сидоров";
    ip.inn = "770123456703";
    ip.ogrn = "304770100000016";
    EXPECT_TRUE(Validate(ip));
    Counterparty person;
    person.kind = CounterpartyKind::kPerson;
    person.name = "Кузнецова Анна";
    EXPECT_TRUE(Validate(person));  // nothing but a name is required
}

TEST(CounterpartyValidation, InnLengthByKindAndCheckDigits) {
    Counterparty c = Legal();
    c.inn = "770123456703";  // a valid 12-digit INN is still wrong for a legal entity
    EXPECT_THAT(FindProblems(c),
                ElementsAre(FieldProblem{"inn", "\"770123456703\": must be 10 digits for a legal_entity"}));
    c.inn = "7701234561";
    EXPECT_THAT(FindProblems(c),
                ElementsAre(FieldProblem{"inn", "\"7701234561\": check digit does not match (a typo?)"}));
    c.kind = CounterpartyKind::kSoleProprietor;
    c.kpp.clear();
    c.ogrn.clear();
    c.inn = "770123456704";
    EXPECT_THAT(FindProblems(c),
                ElementsAre(FieldProblem{"inn", "\"770123456704\": check digit does not match (a typo?)"}));
}

TEST(CounterpartyValidation, RegistrationNumbers) {
    Counterparty c = Legal();
    c.kpp = "77AB01001";  // letters are allowed only in positions 5-6
    c.ogrn = "1027700132196";
    c.okpo = "123";
    EXPECT_THAT(FindProblems(c),
                ElementsAre(FieldProblem{"kpp",
                                         "\"77AB01001\": must be 9 characters: 4 digits, 2 digits or capital latin "
                                         "letters, 3 digits"},
                            FieldProblem{"ogrn", "\"1027700132196\": check digit does not match (a typo?)"},
                            FieldProblem{"okpo", "\"123\": must be 8 or 10 digits"}));
    c.kpp = "7701AB001";
    c.ogrn = "1027700132195";
    c.okpo = "12345678";
    EXPECT_TRUE(Validate(c));
    c.kind = CounterpartyKind::kPerson;
    c.inn.clear();
    EXPECT_THAT(FindProblems(c), ElementsAre(FieldProblem{"kpp", "\"7701AB001\": only a legal entity has a KPP"},
                                             FieldProblem{"ogrn", "\"1027700132195\": a person has no OGRN"}));
}

TEST(CounterpartyValidation, AccountsAndContactsNameTheElement) {
    Counterparty c = Legal();
    c.name = " ";
    c.bank_accounts.push_back({"4070", "Банк", "04452522", ""});
    c.contacts.push_back({ContactKind::kEmail, "zakaz.romashka.ru", "work"});
    c.contacts.push_back({ContactKind::kPhone, "нет", "work"});
    EXPECT_THAT(FindProblems(c),
                ElementsAre(FieldProblem{"name", "is required"},
                            FieldProblem{"bank_accounts[1].number", "\"4070\": must be 20 digits"},
                            FieldProblem{"bank_accounts[1].bik", "\"04452522\": must be 9 digits"},
                            FieldProblem{"contacts[2].value", "\"zakaz.romashka.ru\": is not an e-mail address"},
                            FieldProblem{"contacts[3].value", "\"нет\": is not a phone number"}));
    auto status = Validate(c);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(status.error().message.substr(0, 40), "counterparty cp-1: name is required; ban");
}

TEST(CounterpartyValidation, KindNamesRoundTrip) {
    for (auto kind : {CounterpartyKind::kLegalEntity, CounterpartyKind::kSoleProprietor, CounterpartyKind::kPerson}) {
        EXPECT_EQ(ParseCounterpartyKind(ToString(kind)).value(), kind);
    }
    EXPECT_EQ(ParseCounterpartyKind("company").error().message,
              "unknown counterparty kind \"company\"; expected legal_entity, sole_proprietor or person");
}

}  // namespace
}  // namespace b2b
