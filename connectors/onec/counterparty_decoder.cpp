#include "connectors/onec/counterparty_decoder.hpp"

namespace b2b::onec {
namespace {

CmlAddress ReadAddress(pugi::xml_node node) {
    CmlAddress a;
    a.presentation = ChildText(node, "Представление");
    for (auto f : Children(node, "АдресноеПоле")) {
        a.fields.push_back(CmlAddressField{ChildText(f, "Тип"), ChildText(f, "Значение")});
    }
    return a;
}

}  // namespace

CmlCounterparty ReadCounterparty(pugi::xml_node node) {
    CmlCounterparty c;
    c.id = ChildText(node, "Ид");
    c.name = ChildText(node, "Наименование");
    c.full_name = ChildText(node, "ПолноеНаименование");
    c.official_name = ChildText(node, "ОфициальноеНаименование");
    c.first_name = ChildText(node, "Имя");
    c.last_name = ChildText(node, "Фамилия");
    c.role = ChildText(node, "Роль");
    c.inn = ChildText(node, "ИНН");
    c.kpp = ChildText(node, "КПП");
    c.okpo = ChildText(node, "КодПоОКПО");
    if (c.okpo.empty()) {
        c.okpo = ChildText(node, "ОКПО");
    }
    c.legal_address = ReadAddress(Child(node, "ЮридическийАдрес"));
    c.registration_address = ReadAddress(Child(node, "АдресРегистрации"));
    c.address = ReadAddress(Child(node, "Адрес"));
    for (auto contact : Children(Child(node, "Контакты"), "Контакт")) {
        c.contacts.push_back(CmlContact{ChildText(contact, "Тип"), ChildText(contact, "Значение")});
    }
    for (auto account : Children(Child(node, "РасчетныеСчета"), "РасчетныйСчет")) {
        auto bank = Child(account, "Банк");
        c.bank_accounts.push_back(CmlBankAccount{ChildText(account, "НомерСчета"), ChildText(bank, "Наименование"),
                                                 ChildText(bank, "БИК"), ChildText(bank, "СчетКорреспондентский"),
                                                 ChildText(Child(bank, "Адрес"), "Представление")});
    }
    for (auto rep : Children(Child(node, "Представители"), "Представитель")) {
        // Bitrix nests the fields in a Контрагент element; UT 11 puts them directly inside.
        auto fields = Child(rep, "Контрагент") ? Child(rep, "Контрагент") : rep;
        c.representatives.push_back(CmlRepresentative{ChildText(fields, "Отношение"), ChildText(fields, "Ид"),
                                                      ChildText(fields, "Наименование")});
    }
    c.deleted = IsDeleted(node);
    return c;
}

Result<CmlCounterparty> DecodeCounterparty(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    CmlCounterparty c = ReadCounterparty(rec->Root());
    if (c.id.empty()) {
        return rec->ErrorAt(rec->Root(), "missing or empty <Ид>");
    }
    return c;
}

}  // namespace b2b::onec
