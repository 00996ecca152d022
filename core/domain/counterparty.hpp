#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/domain/ids.hpp"
#include "core/util/error.hpp"

/// The canonical counterparty (design.md §3): what 1C's Контрагент, the site's buyer and the
/// Bitrix24 company/contact + requisite are all converted into. Pure data, no I/O. Connectors fill
/// it; the mapping engine reads it. Empty strings mean "not known".
namespace b2b {

enum class CounterpartyKind { kLegalEntity, kSoleProprietor, kPerson };

/// "legal_entity", "sole_proprietor", "person": the spelling mappings and golden cases use.
std::string_view ToString(CounterpartyKind kind) noexcept;
/// The inverse of ToString; Permanent error `unknown counterparty kind "<text>"`.
Result<CounterpartyKind> ParseCounterpartyKind(std::string_view text);

enum class AddressKind { kLegal, kActual, kPostal };
std::string_view ToString(AddressKind kind) noexcept;
Result<AddressKind> ParseAddressKind(std::string_view text);

struct Address {
    AddressKind kind = AddressKind::kLegal;
    std::string text;  ///< the whole address as one line (CommerceML Представление)
    std::string postal_code;
    std::string city;
    friend bool operator==(Address const&, Address const&) = default;
};

struct BankAccount {
    std::string number;  ///< расчётный счёт, 20 digits
    std::string bank_name;
    std::string bik;                    ///< 9 digits
    std::string correspondent_account;  ///< 20 digits, may be empty
    friend bool operator==(BankAccount const&, BankAccount const&) = default;
};

enum class ContactKind { kPhone, kEmail };
std::string_view ToString(ContactKind kind) noexcept;
Result<ContactKind> ParseContactKind(std::string_view text);

struct Contact {
    ContactKind kind = ContactKind::kPhone;
    std::string value;
    /// Free label for the sort of number or address: "work", "mobile", "home"... Mappings turn it
    /// into the target's vocabulary (Bitrix24 VALUE_TYPE) through a table.
    std::string label = "work";
    friend bool operator==(Contact const&, Contact const&) = default;
};

struct Counterparty {
    CanonicalId id;
    CounterpartyKind kind = CounterpartyKind::kLegalEntity;
    std::string name;       ///< short name: "ООО Ромашка", or "Иванов Иван" for a person
    std::string full_name;  ///< official full name
    std::string inn;        ///< 10 digits (legal entity) or 12 (sole proprietor, person)
    std::string kpp;        ///< legal entities only, 9 characters
    std::string ogrn;       ///< 13 digits (legal entity) or 15 (ОГРНИП)
    std::string okpo;       ///< 8 or 10 digits
    std::vector<Address> addresses;
    std::vector<BankAccount> bank_accounts;
    std::vector<Contact> contacts;
    std::string buyer_group;  ///< "small_wholesale", ...: a key of the price_types table
    std::string manager;      ///< the manager's name as 1C and the site write it: a key of the managers table
    friend bool operator==(Counterparty const&, Counterparty const&) = default;
};

/// One thing wrong with an entity: the field as a dotted path ("inn", "bank_accounts[0].bik",
/// "lines[2].sum") and what is wrong with it.
struct FieldProblem {
    std::string field;
    std::string message;
    friend bool operator==(FieldProblem const&, FieldProblem const&) = default;
};

/// Every problem in `c`, in field order: name required; INN length by kind and its check digits;
/// KPP (legal entities only, NNNN XX NNN with XX digits or capital latin letters); OGRN 13/15
/// digits and check digit; OKPO 8/10 digits; BIK 9 digits; account numbers 20 digits; e-mail with
/// an '@'; phone with digits. An empty optional field is never a problem.
std::vector<FieldProblem> FindProblems(Counterparty const& c);

/// Ok, or a Permanent error naming the entity and every bad field:
/// `counterparty cp-1: inn "7701234568": check digit does not match; kpp "77010100": must be 9 characters`.
Status Validate(Counterparty const& c);

/// Joins problems as "<subject>: <field> <message>; <field> <message>" (shared with Order).
std::string DescribeProblems(std::string_view subject, std::vector<FieldProblem> const& problems);

}  // namespace b2b
