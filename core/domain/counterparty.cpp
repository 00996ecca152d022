#include "core/domain/counterparty.hpp"

#include <algorithm>
#include <array>

#include "core/domain/text_util.hpp"

namespace b2b {
namespace {

bool AllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Digit(std::string_view s, std::size_t i) { return s[i] - '0'; }

/// Weighted sum mod 11 mod 10: the ФНС check digit of INN.
int InnCheck(std::string_view inn, std::size_t count, std::array<int, 11> const& weights, std::size_t offset) {
    int sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
        sum += Digit(inn, i) * weights[offset + i];
    }
    return sum % 11 % 10;
}

bool InnChecksumOk(std::string_view inn) {
    // The 12-digit weights are the 10-digit ones with 7 (and then 3, 7) in front.
    static constexpr std::array<int, 11> kWeights = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    if (inn.size() == 10) {
        return InnCheck(inn, 9, kWeights, 2) == Digit(inn, 9);
    }
    return InnCheck(inn, 10, kWeights, 1) == Digit(inn, 10) && InnCheck(inn, 11, kWeights, 0) == Digit(inn, 11);
}

/// ОГРН: the number without its last digit mod 11 (13 digits) or mod 13 (15 digits), mod 10.
bool OgrnChecksumOk(std::string_view ogrn) {
    std::uint64_t const modulus = ogrn.size() == 13 ? 11 : 13;
    std::uint64_t rest = 0;
    for (std::size_t i = 0; i + 1 < ogrn.size(); ++i) {
        rest = (rest * 10 + static_cast<std::uint64_t>(Digit(ogrn, i))) % modulus;
    }
    return static_cast<int>(rest % 10) == Digit(ogrn, ogrn.size() - 1);
}

bool KppShapeOk(std::string_view kpp) {
    if (kpp.size() != 9) {
        return false;
    }
    for (std::size_t i = 0; i < 9; ++i) {
        char const c = kpp[i];
        bool const digit = c >= '0' && c <= '9';
        // Positions 5-6 are the reason code: digits or capital latin letters (ФНС order ММВ-7-6/435).
        bool const ok = (i == 4 || i == 5) ? (digit || (c >= 'A' && c <= 'Z')) : digit;
        if (!ok) {
            return false;
        }
    }
    return true;
}

class ProblemList {
public:
    void Add(std::string field, std::string_view value, std::string const& message) {
        problems_.push_back(FieldProblem{std::move(field), text::QuoteForError(value) + ": " + message});
    }
    void AddPlain(std::string field, std::string message) {
        problems_.push_back(FieldProblem{std::move(field), std::move(message)});
    }
    std::vector<FieldProblem> Take() { return std::move(problems_); }

private:
    std::vector<FieldProblem> problems_;
};

void CheckInn(Counterparty const& c, ProblemList& out) {
    if (c.inn.empty()) {
        return;
    }
    std::size_t const expected = c.kind == CounterpartyKind::kLegalEntity ? 10 : 12;
    if (!AllDigits(c.inn) || c.inn.size() != expected) {
        out.Add("inn", c.inn, "must be " + std::to_string(expected) + " digits for a " + std::string(ToString(c.kind)));
    } else if (!InnChecksumOk(c.inn)) {
        out.Add("inn", c.inn, "check digit does not match (a typo?)");
    }
}

void CheckRegistration(Counterparty const& c, ProblemList& out) {
    if (!c.kpp.empty()) {
        if (c.kind != CounterpartyKind::kLegalEntity) {
            out.Add("kpp", c.kpp, "only a legal entity has a KPP");
        } else if (!KppShapeOk(c.kpp)) {
            out.Add("kpp", c.kpp, "must be 9 characters: 4 digits, 2 digits or capital latin letters, 3 digits");
        }
    }
    if (!c.ogrn.empty()) {
        std::size_t const expected = c.kind == CounterpartyKind::kLegalEntity ? 13 : 15;
        if (c.kind == CounterpartyKind::kPerson) {
            out.Add("ogrn", c.ogrn, "a person has no OGRN");
        } else if (!AllDigits(c.ogrn) || c.ogrn.size() != expected) {
            out.Add("ogrn", c.ogrn,
                    "must be " + std::to_string(expected) + " digits for a " + std::string(ToString(c.kind)));
        } else if (!OgrnChecksumOk(c.ogrn)) {
            out.Add("ogrn", c.ogrn, "check digit does not match (a typo?)");
        }
    }
    if (!c.okpo.empty() && (!AllDigits(c.okpo) || (c.okpo.size() != 8 && c.okpo.size() != 10))) {
        out.Add("okpo", c.okpo, "must be 8 or 10 digits");
    }
}

void CheckAccounts(Counterparty const& c, ProblemList& out) {
    for (std::size_t i = 0; i < c.bank_accounts.size(); ++i) {
        auto const& a = c.bank_accounts[i];
        std::string const at = "bank_accounts[" + std::to_string(i) + "].";
        if (!AllDigits(a.number) || a.number.size() != 20) {
            out.Add(at + "number", a.number, "must be 20 digits");
        }
        if (!AllDigits(a.bik) || a.bik.size() != 9) {
            out.Add(at + "bik", a.bik, "must be 9 digits");
        }
        if (!a.correspondent_account.empty() &&
            (!AllDigits(a.correspondent_account) || a.correspondent_account.size() != 20)) {
            out.Add(at + "correspondent_account", a.correspondent_account, "must be 20 digits");
        }
    }
}

void CheckContacts(Counterparty const& c, ProblemList& out) {
    for (std::size_t i = 0; i < c.contacts.size(); ++i) {
        auto const& contact = c.contacts[i];
        std::string const at = "contacts[" + std::to_string(i) + "].value";
        std::string_view const value = text::Trim(contact.value);
        if (value.empty()) {
            out.AddPlain(at, "is empty");
        } else if (contact.kind == ContactKind::kEmail) {
            auto const atsign = value.find('@');
            if (atsign == std::string_view::npos || atsign == 0 || atsign + 1 == value.size() ||
                value.find(' ') != std::string_view::npos) {
                out.Add(at, value, "is not an e-mail address");
            }
        } else if (std::none_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
            out.Add(at, value, "is not a phone number");
        }
    }
}

}  // namespace

std::string_view ToString(CounterpartyKind kind) noexcept {
    switch (kind) {
        case CounterpartyKind::kLegalEntity:
            return "legal_entity";
        case CounterpartyKind::kSoleProprietor:
            return "sole_proprietor";
        case CounterpartyKind::kPerson:
            return "person";
    }
    return "legal_entity";
}

Result<CounterpartyKind> ParseCounterpartyKind(std::string_view text) {
    for (auto kind : {CounterpartyKind::kLegalEntity, CounterpartyKind::kSoleProprietor, CounterpartyKind::kPerson}) {
        if (ToString(kind) == text) {
            return kind;
        }
    }
    return Error::Permanent("unknown counterparty kind " + text::QuoteForError(text) +
                            "; expected legal_entity, sole_proprietor or person");
}

std::string_view ToString(AddressKind kind) noexcept {
    switch (kind) {
        case AddressKind::kLegal:
            return "legal";
        case AddressKind::kActual:
            return "actual";
        case AddressKind::kPostal:
            return "postal";
    }
    return "legal";
}

Result<AddressKind> ParseAddressKind(std::string_view text) {
    for (auto kind : {AddressKind::kLegal, AddressKind::kActual, AddressKind::kPostal}) {
        if (ToString(kind) == text) {
            return kind;
        }
    }
    return Error::Permanent("unknown address kind " + text::QuoteForError(text) + "; expected legal, actual or postal");
}

std::string_view ToString(ContactKind kind) noexcept { return kind == ContactKind::kEmail ? "email" : "phone"; }

Result<ContactKind> ParseContactKind(std::string_view text) {
    if (text == "phone") {
        return ContactKind::kPhone;
    }
    if (text == "email") {
        return ContactKind::kEmail;
    }
    return Error::Permanent("unknown contact kind " + text::QuoteForError(text) + "; expected phone or email");
}

std::vector<FieldProblem> FindProblems(Counterparty const& c) {
    ProblemList out;
    if (text::Trim(c.name).empty()) {
        out.AddPlain("name", "is required");
    }
    CheckInn(c, out);
    CheckRegistration(c, out);
    CheckAccounts(c, out);
    CheckContacts(c, out);
    return out.Take();
}

std::string DescribeProblems(std::string_view subject, std::vector<FieldProblem> const& problems) {
    std::string out(subject);
    out += ": ";
    for (std::size_t i = 0; i < problems.size(); ++i) {
        if (i > 0) {
            out += "; ";
        }
        out += problems[i].field + " " + problems[i].message;
    }
    return out;
}

Status Validate(Counterparty const& c) {
    auto problems = FindProblems(c);
    if (problems.empty()) {
        return {};
    }
    return Error::Permanent(DescribeProblems("counterparty " + c.id.value(), problems));
}

}  // namespace b2b
