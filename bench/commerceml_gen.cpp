// Generates a realistic, deterministic CommerceML 2.09 exchange (the 1C-Bitrix module shape, UTF-8
// with BOM, xmlns="urn:1C.ru:commerceml_2") for commerceml_bench: import.xml (Классификатор with
// groups, properties, 5 ТипыЦен, 10 Склады, units + Каталог of N products) and offers.xml
// (ПакетПредложений: N offers x price types x warehouses, Остатки/Остаток/Склад stock shape).
// Output is streamed record by record; only one record is ever held in memory.
//
// Usage: commerceml_gen OUT_DIR [--products N] [--product-bytes B] [--price-types P]
//                               [--warehouses W] [--seed S]
// Defaults: 100000 products of ~10700 bytes each (an import.xml of about 1 GB), 5 price types,
// 10 warehouses, seed 2009. The same arguments always give byte-identical files.

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace b2b::bench {
namespace {

namespace fs = std::filesystem;

struct GenOptions {
    fs::path out_dir;
    std::uint64_t products = 100'000;
    std::size_t product_bytes = 10'700;  ///< target size of one <Товар> element; padding goes to Описание
    int price_types = 5;
    int warehouses = 10;
    std::uint64_t seed = 2009;
};

// Record kinds salt the id hash so a group and a product with the same index get different Ид.
enum class IdKind : std::uint64_t {
    kCatalog = 1,
    kGroup,
    kProperty,
    kPropertyValue,
    kPriceType,
    kWarehouse,
    kUnit,
    kProduct,
    kManufacturer,
    kOwner,
};

constexpr std::size_t kFlushBytes = 1 << 20;
constexpr int kTopGroups = 12;
constexpr int kSubGroupsPerTop = 6;
constexpr int kPropertyCount = 40;
constexpr int kPropertiesPerProduct = 30;
constexpr int kManufacturerCount = 24;

std::uint64_t SplitMix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/// A tiny deterministic PRNG: std distributions differ between standard libraries, this does not.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t Next() {
        state_ += 0x9E3779B97F4A7C15ULL;
        return SplitMix(state_);
    }
    std::uint64_t Below(std::uint64_t n) { return Next() % n; }
    template <class T, std::size_t N>
    T const& Pick(T const (&items)[N]) {
        return items[Below(N)];
    }

private:
    std::uint64_t state_;
};

constexpr char const* kTopGroupNames[kTopGroups] = {
    "Бытовая техника", "Посуда и кухонные принадлежности", "Инструменты", "Сад и огород",
    "Товары для дома", "Электроника", "Освещение", "Сантехника",
    "Косметика и гигиена", "Канцелярские товары", "Автотовары", "Спорт и отдых"};
constexpr char const* kSubGroupNames[] = {"Для кухни", "Для ванной", "Профессиональные", "Бюджетные",
                                          "Премиум", "Наборы", "Аксессуары", "Запасные части",
                                          "Сезонные товары", "Новинки"};
constexpr char const* kNouns[] = {"Кофеварка",  "Чайник электрический", "Пылесос", "Сковорода",
                                  "Кастрюля",   "Дрель-шуруповерт",     "Лопата штыковая",
                                  "Светильник", "Смеситель",            "Полотенце махровое",
                                  "Набор ножей", "Термос",              "Утюг",    "Блендер",
                                  "Шланг поливочный", "Коврик придверный", "Ежедневник", "Рюкзак туристический"};
constexpr char const* kAdjectives[] = {"компактный", "усиленный", "универсальный", "складной", "антипригарный",
                                       "бесшумный",  "эргономичный", "влагостойкий", "энергосберегающий"};
constexpr char const* kColors[] = {"белый", "черный", "серебристый", "красный", "синий", "зеленый", "бежевый",
                                   "графит"};
constexpr char const* kBrands[] = {"Витязь", "Русские узоры", "Поляна", "Северянка", "Мастер-Профи",
                                   "Домовенок", "Уралочка", "Сибирский мастер"};
constexpr char const* kPropertyNames[] = {"Цвет", "Материал", "Страна производства", "Гарантия, мес.", "Вес, кг",
                                          "Мощность, Вт", "Объем, л", "Длина, см", "Ширина, см", "Высота, см",
                                          "Тип питания", "Класс энергопотребления", "Комплектация", "Упаковка",
                                          "Сезон", "Возрастная группа", "Тип покрытия", "Диаметр, мм",
                                          "Напряжение, В", "Серия"};
constexpr char const* kDictionaryValues[] = {"Да", "Нет", "Россия", "Китай", "Беларусь", "Турция", "Сталь",
                                             "Алюминий", "Пластик", "Стекло", "Керамика", "Дерево", "Хлопок",
                                             "Сетевое", "Аккумуляторное", "A++", "A+", "B", "Коробка", "Пакет",
                                             "Блистер", "Лето", "Зима", "Всесезонный"};
constexpr char const* kWarehouseNames[] = {"Основной склад", "Склад Москва (Подольск)", "Склад Санкт-Петербург",
                                           "Склад Новосибирск", "Склад Екатеринбург", "Склад Казань",
                                           "Склад Ростов-на-Дону", "Склад Краснодар", "Склад Владивосток",
                                           "Склад Самара", "Склад Нижний Новгород", "Склад Пермь"};
constexpr char const* kPriceTypeNames[] = {"Розничная", "Оптовая", "Мелкооптовая", "Дилерская", "Закупочная",
                                           "Интернет-магазин", "Акционная", "Партнерская"};
constexpr char const* kSentences[] = {
    "Изделие изготовлено из качественных материалов и прошло сертификацию по ГОСТ Р. ",
    "Подходит для ежедневного использования в доме, на даче и в офисе. ",
    "Продуманная конструкция облегчает уход и продлевает срок службы. ",
    "В комплект входит подробная инструкция на русском языке и гарантийный талон. ",
    "Товар упакован в плотную картонную коробку, что исключает повреждения при доставке. ",
    "Рекомендуется хранить в сухом месте при температуре от +5 до +35 °C. ",
    "Производитель оставляет за собой право изменять комплектацию без предварительного уведомления. ",
    "Эргономичная форма корпуса обеспечивает удобство работы даже при длительном использовании. "};

/// Buffered writer over a FILE*: appends to a string and writes it out once it passes kFlushBytes.
class XmlOut {
public:
    explicit XmlOut(fs::path const& path) : path_(path), file_(std::fopen(path.c_str(), "wb")) {
        if (file_ == nullptr) {
            std::fprintf(stderr, "commerceml_gen: cannot create %s: %s\n", path.c_str(), std::strerror(errno));
            std::exit(1);
        }
        buffer_.reserve(kFlushBytes * 2);
    }
    ~XmlOut() { Close(); }
    XmlOut(XmlOut const&) = delete;
    XmlOut& operator=(XmlOut const&) = delete;

    XmlOut& operator<<(std::string_view text) {
        buffer_.append(text);
        return *this;
    }
    XmlOut& operator<<(std::uint64_t value) {
        char digits[24];
        int n = std::snprintf(digits, sizeof digits, "%" PRIu64, value);
        buffer_.append(digits, static_cast<std::size_t>(n));
        return *this;
    }
    /// `<name>text</name>` on its own line at `depth` tabs; text must be XML-safe already.
    void Element(int depth, std::string_view name, std::string_view text) {
        Indent(depth);
        buffer_.append("<").append(name).append(">").append(text).append("</").append(name).append(">\n");
    }
    void Open(int depth, std::string_view name) {
        Indent(depth);
        buffer_.append("<").append(name).append(">\n");
    }
    void Close(int depth, std::string_view name) {
        Indent(depth);
        buffer_.append("</").append(name).append(">\n");
    }
    void Indent(int depth) { buffer_.append(static_cast<std::size_t>(depth), '\t'); }
    std::size_t Pending() const { return buffer_.size(); }

    /// Called between records, so the buffer never holds more than one record past kFlushBytes.
    void MaybeFlush() {
        if (buffer_.size() >= kFlushBytes) {
            Write();
        }
    }
    std::uint64_t Close() {
        if (file_ == nullptr) {
            return written_;
        }
        Write();
        if (std::fclose(file_) != 0) {
            Fail();
        }
        file_ = nullptr;
        return written_;
    }

private:
    void Write() {
        if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
            Fail();
        }
        written_ += buffer_.size();
        buffer_.clear();
    }
    [[noreturn]] void Fail() const {
        std::fprintf(stderr, "commerceml_gen: cannot write %s: %s\n", path_.c_str(), std::strerror(errno));
        std::exit(1);
    }

    fs::path path_;
    std::FILE* file_;
    std::string buffer_;
    std::uint64_t written_ = 0;
};

/// Deterministic 1C-looking GUIDs: the third group is a time-based "11e4"-style version, as 1C emits.
class Ids {
public:
    explicit Ids(std::uint64_t seed) : seed_(seed) {}
    std::string Guid(IdKind kind, std::uint64_t index) const {
        std::uint64_t a = SplitMix(seed_ ^ (static_cast<std::uint64_t>(kind) << 56) ^ index);
        std::uint64_t b = SplitMix(a ^ 0x5DEECE66DULL);
        char out[40];
        std::snprintf(out, sizeof out, "%08" PRIx64 "-%04" PRIx64 "-11e%01" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
                      a >> 32, (a >> 16) & 0xFFFF, a & 0x7, (b >> 48) & 0xFFFF, b & UINT64_C(0xFFFFFFFFFFFF));
        return out;
    }
    /// НомерВерсии as 1C writes it: base64 of an 8-byte version counter.
    static std::string Version(Rng& rng) {
        static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string v = "AAAAAAD";
        for (int i = 0; i < 4; ++i) {
            v.push_back(kB64[rng.Below(64)]);
        }
        v.push_back('=');
        return v;
    }

private:
    std::uint64_t seed_;
};

std::string Ean13(Rng& rng) {
    std::string code = "460";  // GS1 Russia
    for (int i = 0; i < 9; ++i) {
        code.push_back(static_cast<char>('0' + rng.Below(10)));
    }
    int sum = 0;
    for (int i = 0; i < 12; ++i) {
        sum += (code[static_cast<std::size_t>(i)] - '0') * (i % 2 == 0 ? 1 : 3);
    }
    code.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
    return code;
}

std::string Article(Rng& rng) {
    static constexpr char kLetters[] = "ABCDEFHKMPTX";
    std::string a;
    a.push_back(kLetters[rng.Below(12)]);
    a.push_back(kLetters[rng.Below(12)]);
    a += "-" + std::to_string(100 + rng.Below(900)) + "-" + std::to_string(rng.Below(100));
    return a;
}

std::string ProductName(Rng& rng, std::uint64_t index) {
    std::string name = rng.Pick(kNouns);
    name += " ";
    name += rng.Pick(kBrands);
    name += " ";
    name += rng.Pick(kAdjectives);
    name += ", ";
    name += rng.Pick(kColors);
    name += ", арт. " + std::to_string(10'000 + index);
    return name;
}

/// Prices are kopeck amounts formatted with a dot; the Представление uses thin-space thousands.
std::string Money(std::uint64_t kopecks) {
    return std::to_string(kopecks / 100) + "." + (kopecks % 100 < 10 ? "0" : "") + std::to_string(kopecks % 100);
}
std::string Presentation(std::uint64_t kopecks) {
    std::string rubles = std::to_string(kopecks / 100);
    std::string grouped;
    for (std::size_t i = 0; i < rubles.size(); ++i) {
        if (i > 0 && (rubles.size() - i) % 3 == 0) {
            grouped.push_back(' ');
        }
        grouped.push_back(rubles[i]);
    }
    return grouped + " руб. за шт";
}

bool IsDictionaryProperty(int p) { return p % 2 == 0; }
constexpr int kValuesPerDictionary = 8;

void WriteHeader(XmlOut& out, std::string_view date) {
    out << "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ВерсияСхемы=\"2.09\" ДатаФормирования=\""
        << date << "\" Ид=\"\">\n";
}

void WriteOwner(XmlOut& out, Ids const& ids, int depth) {
    out.Open(depth, "Владелец");
    out.Element(depth + 1, "Ид", ids.Guid(IdKind::kOwner, 0));
    out.Element(depth + 1, "Наименование", "ТД &quot;Северный ветер&quot; ООО");
    out.Element(depth + 1, "ОфициальноеНаименование", "Общество с ограниченной ответственностью &quot;Торговый дом Северный ветер&quot;");
    out.Element(depth + 1, "ИНН", "7701234567");
    out.Element(depth + 1, "КПП", "770101001");
    out.Close(depth, "Владелец");
}

void WritePriceTypes(XmlOut& out, Ids const& ids, Rng& rng, GenOptions const& opt, int depth) {
    out.Open(depth, "ТипыЦен");
    for (int i = 0; i < opt.price_types; ++i) {
        out.Open(depth + 1, "ТипЦены");
        out.Element(depth + 2, "Ид", ids.Guid(IdKind::kPriceType, static_cast<std::uint64_t>(i)));
        out.Element(depth + 2, "НомерВерсии", Ids::Version(rng));
        out.Element(depth + 2, "ПометкаУдаления", "false");
        out.Element(depth + 2, "Наименование",
                    std::string(kPriceTypeNames[static_cast<std::size_t>(i) % std::size(kPriceTypeNames)]) +
                        (i >= static_cast<int>(std::size(kPriceTypeNames)) ? " " + std::to_string(i) : ""));
        out.Element(depth + 2, "Валюта", "RUB");
        out.Open(depth + 2, "Налог");
        out.Element(depth + 3, "Наименование", "НДС");
        out.Element(depth + 3, "УчтеноВСумме", "true");
        out.Element(depth + 3, "Акциз", "false");
        out.Close(depth + 2, "Налог");
        out.Close(depth + 1, "ТипЦены");
    }
    out.Close(depth, "ТипыЦен");
}

void WriteWarehouses(XmlOut& out, Ids const& ids, Rng& rng, GenOptions const& opt, int depth) {
    out.Open(depth, "Склады");
    for (int i = 0; i < opt.warehouses; ++i) {
        out.Open(depth + 1, "Склад");
        out.Element(depth + 2, "Ид", ids.Guid(IdKind::kWarehouse, static_cast<std::uint64_t>(i)));
        out.Element(depth + 2, "НомерВерсии", Ids::Version(rng));
        out.Element(depth + 2, "ПометкаУдаления", "false");
        out.Element(depth + 2, "Наименование",
                    std::string(kWarehouseNames[static_cast<std::size_t>(i) % std::size(kWarehouseNames)]) +
                        (i >= static_cast<int>(std::size(kWarehouseNames)) ? " " + std::to_string(i) : ""));
        out.Close(depth + 1, "Склад");
    }
    out.Close(depth, "Склады");
}

void WriteClassifier(XmlOut& out, Ids const& ids, Rng& rng, GenOptions const& opt) {
    std::string const catalog_id = ids.Guid(IdKind::kCatalog, 0);
    out << "\t<Классификатор СодержитТолькоИзменения=\"false\">\n";
    out.Element(2, "Ид", catalog_id);
    out.Element(2, "Наименование", "Классификатор (Основной каталог товаров)");
    WriteOwner(out, ids, 2);
    out.Open(2, "Группы");
    for (int g = 0; g < kTopGroups; ++g) {
        out.Open(3, "Группа");
        out.Element(4, "Ид", ids.Guid(IdKind::kGroup, static_cast<std::uint64_t>(g)));
        out.Element(4, "НомерВерсии", Ids::Version(rng));
        out.Element(4, "ПометкаУдаления", "false");
        out.Element(4, "Наименование", kTopGroupNames[g]);
        out.Open(4, "Группы");
        for (int s = 0; s < kSubGroupsPerTop; ++s) {
            out.Open(5, "Группа");
            out.Element(6, "Ид", ids.Guid(IdKind::kGroup, static_cast<std::uint64_t>(100 + g * kSubGroupsPerTop + s)));
            out.Element(6, "НомерВерсии", Ids::Version(rng));
            out.Element(6, "ПометкаУдаления", "false");
            out.Element(6, "Наименование", std::string(kTopGroupNames[g]) + ": " + rng.Pick(kSubGroupNames));
            out.Close(5, "Группа");
        }
        out.Close(4, "Группы");
        out.Close(3, "Группа");
    }
    out.Close(2, "Группы");
    out.Open(2, "Свойства");
    for (int p = 0; p < kPropertyCount; ++p) {
        out.Open(3, "Свойство");
        out.Element(4, "Ид", ids.Guid(IdKind::kProperty, static_cast<std::uint64_t>(p)));
        out.Element(4, "НомерВерсии", Ids::Version(rng));
        out.Element(4, "ПометкаУдаления", "false");
        out.Element(4, "Наименование", std::string(kPropertyNames[static_cast<std::size_t>(p) % std::size(kPropertyNames)]) +
                                           (p >= static_cast<int>(std::size(kPropertyNames)) ? " (доп.)" : ""));
        out.Element(4, "Внешний", "false");
        if (IsDictionaryProperty(p)) {
            out.Element(4, "ТипЗначений", "Справочник");
            out.Open(4, "ВариантыЗначений");
            for (int v = 0; v < kValuesPerDictionary; ++v) {
                out.Open(5, "Справочник");
                out.Element(6, "ИдЗначения",
                            ids.Guid(IdKind::kPropertyValue, static_cast<std::uint64_t>(p * kValuesPerDictionary + v)));
                out.Element(6, "Значение", kDictionaryValues[static_cast<std::size_t>(p + v) % std::size(kDictionaryValues)]);
                out.Close(5, "Справочник");
            }
            out.Close(4, "ВариантыЗначений");
        } else {
            out.Element(4, "ТипЗначений", p % 4 == 1 ? "Число" : "Строка");
        }
        out.Close(3, "Свойство");
    }
    out.Close(2, "Свойства");
    WritePriceTypes(out, ids, rng, opt, 2);
    WriteWarehouses(out, ids, rng, opt, 2);
    out.Open(2, "ЕдиницыИзмерения");
    struct Unit {
        char const* code;
        char const* brief;
        char const* full;
        char const* intl;
    };
    constexpr Unit kUnits[] = {{"796", "шт", "Штука", "PCE"}, {"166", "кг", "Килограмм", "KGM"},
                               {"006", "м", "Метр", "MTR"},   {"778", "упак", "Упаковка", "NMP"}};
    for (std::size_t u = 0; u < std::size(kUnits); ++u) {
        out.Open(3, "ЕдиницаИзмерения");
        out.Element(4, "Ид", ids.Guid(IdKind::kUnit, u));
        out.Element(4, "НомерВерсии", Ids::Version(rng));
        out.Element(4, "ПометкаУдаления", "false");
        out.Element(4, "НаименованиеКраткое", kUnits[u].brief);
        out.Element(4, "Код", kUnits[u].code);
        out.Element(4, "НаименованиеПолное", kUnits[u].full);
        out.Element(4, "МеждународноеСокращение", kUnits[u].intl);
        out.Close(3, "ЕдиницаИзмерения");
    }
    out.Close(2, "ЕдиницыИзмерения");
    out.Close(1, "Классификатор");
}

/// Per-product facts shared by import.xml and offers.xml (re-derived from the index, never stored).
struct ProductFacts {
    std::string id;
    std::string barcode;
    std::string article;
    std::string name;
};
ProductFacts Facts(Ids const& ids, std::uint64_t seed, std::uint64_t index) {
    Rng rng(SplitMix(seed ^ 0xFAC7ULL) ^ index);
    ProductFacts f;
    f.id = ids.Guid(IdKind::kProduct, index);
    f.barcode = Ean13(rng);
    f.article = Article(rng);
    f.name = ProductName(rng, index);
    return f;
}

void WriteProduct(XmlOut& out, Ids const& ids, Rng& rng, GenOptions const& opt, std::uint64_t index) {
    std::size_t const start = out.Pending();
    ProductFacts f = Facts(ids, opt.seed, index);
    out.Open(3, "Товар");
    out.Element(4, "Ид", f.id);
    out.Element(4, "НомерВерсии", Ids::Version(rng));
    out.Element(4, "ПометкаУдаления", "false");
    out.Element(4, "Штрихкод", f.barcode);
    out.Element(4, "Артикул", f.article);
    out.Element(4, "Наименование", f.name);
    out << "\t\t\t\t<БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука\" МеждународноеСокращение=\"PCE\">шт</БазоваяЕдиница>\n";
    out.Open(4, "Группы");
    out.Element(5, "Ид", ids.Guid(IdKind::kGroup, 100 + rng.Below(kTopGroups * kSubGroupsPerTop)));
    out.Close(4, "Группы");
    out.Element(4, "Картинка", "import_files/" + f.id.substr(0, 2) + "/" + f.id + ".jpg");
    std::uint64_t const maker = rng.Below(kManufacturerCount);
    out.Open(4, "Изготовитель");
    out.Element(5, "Ид", ids.Guid(IdKind::kManufacturer, maker));
    out.Element(5, "Наименование", std::string("ООО &quot;") + kBrands[maker % std::size(kBrands)] + "&quot;");
    out.Close(4, "Изготовитель");
    out.Open(4, "ЗначенияСвойств");
    std::uint64_t const first_property = rng.Below(kPropertyCount);
    for (int k = 0; k < kPropertiesPerProduct; ++k) {
        int const p = static_cast<int>((first_property + static_cast<std::uint64_t>(k)) % kPropertyCount);
        out.Open(5, "ЗначенияСвойства");
        out.Element(6, "Ид", ids.Guid(IdKind::kProperty, static_cast<std::uint64_t>(p)));
        if (IsDictionaryProperty(p)) {
            out.Element(6, "Значение",
                        ids.Guid(IdKind::kPropertyValue,
                                 static_cast<std::uint64_t>(p * kValuesPerDictionary) + rng.Below(kValuesPerDictionary)));
        } else if (p % 4 == 1) {
            out.Element(6, "Значение", std::to_string(rng.Below(5000)) + "," + std::to_string(rng.Below(100)));
        } else {
            out.Element(6, "Значение", std::string(rng.Pick(kAdjectives)) + " " + rng.Pick(kColors));
        }
        out.Close(5, "ЗначенияСвойства");
    }
    out.Close(4, "ЗначенияСвойств");
    out.Open(4, "СтавкиНалогов");
    out.Open(5, "СтавкаНалога");
    out.Element(6, "Наименование", "НДС");
    out.Element(6, "Ставка", rng.Below(10) == 0 ? "10" : "20");
    out.Close(5, "СтавкаНалога");
    out.Close(4, "СтавкиНалогов");
    out.Open(4, "ЗначенияРеквизитов");
    auto requisite = [&out](std::string_view name, std::string_view value) {
        out.Open(5, "ЗначениеРеквизита");
        out.Element(6, "Наименование", name);
        out.Element(6, "Значение", value);
        out.Close(5, "ЗначениеРеквизита");
    };
    requisite("ВидНоменклатуры", rng.Pick(kNouns));
    requisite("ТипНоменклатуры", "Товар");
    requisite("Полное наименование", f.name);
    requisite("Вес", std::to_string(rng.Below(30)) + "," + std::to_string(rng.Below(1000)));
    out.Close(4, "ЗначенияРеквизитов");
    // Описание comes last in the budget: it is the padding that brings the record to product_bytes.
    std::size_t const used = out.Pending() - start + 64;  // + the Описание tags and </Товар>
    out.Indent(4);
    out << "<Описание>";
    std::size_t written = 0;
    while (used + written < opt.product_bytes) {
        std::string_view sentence = rng.Pick(kSentences);
        out << sentence;
        written += sentence.size();
    }
    out << "</Описание>\n";
    out.Close(3, "Товар");
}

void WriteOffer(XmlOut& out, Ids const& ids, Rng& rng, GenOptions const& opt, std::uint64_t index) {
    ProductFacts f = Facts(ids, opt.seed, index);
    out.Open(3, "Предложение");
    out.Element(4, "Ид", f.id);
    out.Element(4, "НомерВерсии", Ids::Version(rng));
    out.Element(4, "ПометкаУдаления", "false");
    out.Element(4, "Штрихкод", f.barcode);
    out.Element(4, "Артикул", f.article);
    out.Element(4, "Наименование", f.name);
    out << "\t\t\t\t<БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука\" МеждународноеСокращение=\"PCE\">шт</БазоваяЕдиница>\n";
    out.Open(4, "Цены");
    std::uint64_t const base = 5'000 + rng.Below(5'000'000);  // 50 руб .. 50 000 руб, in kopecks
    for (int t = 0; t < opt.price_types; ++t) {
        std::uint64_t const price = base * static_cast<std::uint64_t>(100 - t * 7 % 40) / 100;
        out.Open(5, "Цена");
        out.Element(6, "Представление", Presentation(price));
        out.Element(6, "ИдТипаЦены", ids.Guid(IdKind::kPriceType, static_cast<std::uint64_t>(t)));
        out.Element(6, "ЦенаЗаЕдиницу", Money(price));
        out.Element(6, "Валюта", "RUB");
        out.Element(6, "Единица", "шт");
        out.Element(6, "Коэффициент", "1");
        out.Close(5, "Цена");
    }
    out.Close(4, "Цены");
    std::vector<std::uint64_t> stock(static_cast<std::size_t>(opt.warehouses));
    std::uint64_t total = 0;
    for (auto& q : stock) {
        q = rng.Below(4) == 0 ? 0 : rng.Below(500);
        total += q;
    }
    out.Element(4, "Количество", std::to_string(total));
    out.Open(4, "Остатки");
    for (int w = 0; w < opt.warehouses; ++w) {
        out.Open(5, "Остаток");
        out.Open(6, "Склад");
        out.Element(7, "Ид", ids.Guid(IdKind::kWarehouse, static_cast<std::uint64_t>(w)));
        out.Element(7, "Количество", std::to_string(stock[static_cast<std::size_t>(w)]));
        out.Close(6, "Склад");
        out.Close(5, "Остаток");
    }
    out.Close(4, "Остатки");
    out.Close(3, "Предложение");
}

std::uint64_t WriteImport(GenOptions const& opt, Ids const& ids) {
    XmlOut out(opt.out_dir / "import.xml");
    Rng rng(opt.seed);
    WriteHeader(out, "2024-03-15T10:20:30");
    WriteClassifier(out, ids, rng, opt);
    out << "\t<Каталог СодержитТолькоИзменения=\"false\">\n";
    out.Element(2, "Ид", ids.Guid(IdKind::kCatalog, 0));
    out.Element(2, "ИдКлассификатора", ids.Guid(IdKind::kCatalog, 0));
    out.Element(2, "Наименование", "Основной каталог товаров");
    WriteOwner(out, ids, 2);
    out.Open(2, "Товары");
    for (std::uint64_t i = 0; i < opt.products; ++i) {
        WriteProduct(out, ids, rng, opt, i);
        out.MaybeFlush();
    }
    out.Close(2, "Товары");
    out.Close(1, "Каталог");
    out << "</КоммерческаяИнформация>\n";
    return out.Close();
}

std::uint64_t WriteOffers(GenOptions const& opt, Ids const& ids) {
    XmlOut out(opt.out_dir / "offers.xml");
    Rng rng(SplitMix(opt.seed ^ 0x0FFE25ULL));
    WriteHeader(out, "2024-03-15T10:21:05");
    std::string const catalog_id = ids.Guid(IdKind::kCatalog, 0);
    out << "\t<ПакетПредложений СодержитТолькоИзменения=\"false\">\n";
    out.Element(2, "Ид", catalog_id + "#");
    out.Element(2, "Наименование", "Пакет предложений (Основной каталог товаров)");
    out.Element(2, "ИдКаталога", catalog_id);
    out.Element(2, "ИдКлассификатора", catalog_id);
    WriteOwner(out, ids, 2);
    // Repeated here (as 2.07 UT 11 does) so offers.xml is self-contained for the peer and pugixml.
    WritePriceTypes(out, ids, rng, opt, 2);
    WriteWarehouses(out, ids, rng, opt, 2);
    out.Open(2, "Предложения");
    for (std::uint64_t i = 0; i < opt.products; ++i) {
        WriteOffer(out, ids, rng, opt, i);
        out.MaybeFlush();
    }
    out.Close(2, "Предложения");
    out.Close(1, "ПакетПредложений");
    out << "</КоммерческаяИнформация>\n";
    return out.Close();
}

[[noreturn]] void Usage(char const* why) {
    std::fprintf(stderr,
                 "commerceml_gen: %s\nusage: commerceml_gen OUT_DIR [--products N] [--product-bytes B] "
                 "[--price-types P] [--warehouses W] [--seed S]\n",
                 why);
    std::exit(2);
}

std::uint64_t ParseCount(char const* flag, char const* text) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        std::fprintf(stderr, "commerceml_gen: %s wants a number, got '%s'\n", flag, text);
        std::exit(2);
    }
    return v;
}

GenOptions ParseArgs(int argc, char** argv) {
    GenOptions opt;
    bool have_dir = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg.starts_with("--")) {
            if (i + 1 >= argc) {
                Usage("a flag is missing its value");
            }
            std::uint64_t v = ParseCount(argv[i], argv[i + 1]);
            ++i;
            if (arg == "--products") {
                opt.products = v;
            } else if (arg == "--product-bytes") {
                opt.product_bytes = v;
            } else if (arg == "--price-types") {
                opt.price_types = static_cast<int>(v);
            } else if (arg == "--warehouses") {
                opt.warehouses = static_cast<int>(v);
            } else if (arg == "--seed") {
                opt.seed = v;
            } else {
                Usage("unknown flag");
            }
        } else if (!have_dir) {
            opt.out_dir = arg;
            have_dir = true;
        } else {
            Usage("more than one OUT_DIR");
        }
    }
    if (!have_dir) {
        Usage("OUT_DIR is required");
    }
    if (opt.price_types < 1 || opt.price_types > 1000 || opt.warehouses < 1 || opt.warehouses > 1000) {
        Usage("--price-types and --warehouses must be 1..1000");
    }
    return opt;
}

}  // namespace
}  // namespace b2b::bench

int main(int argc, char** argv) {
    using namespace b2b::bench;
    GenOptions opt = ParseArgs(argc, argv);
    std::error_code ec;
    fs::create_directories(opt.out_dir, ec);
    if (ec) {
        std::fprintf(stderr, "commerceml_gen: cannot create %s: %s\n", opt.out_dir.c_str(), ec.message().c_str());
        return 1;
    }
    Ids ids(opt.seed);
    std::uint64_t import_bytes = WriteImport(opt, ids);
    std::uint64_t offers_bytes = WriteOffers(opt, ids);
    std::printf("%s/import.xml  %" PRIu64 " bytes  (%" PRIu64 " products)\n", opt.out_dir.c_str(), import_bytes,
                opt.products);
    std::printf("%s/offers.xml  %" PRIu64 " bytes  (%" PRIu64 " offers x %d prices x %d warehouses)\n",
                opt.out_dir.c_str(), offers_bytes, opt.products, opt.price_types, opt.warehouses);
    return 0;
}
