#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/record_splitter.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

/// What every record decoder needs besides the record itself.
struct DecodeContext {
    std::string file_label;                    ///< used in error messages ("offers0_1.xml")
    std::chrono::minutes default_utc_offset{0};  ///< the 1C server's zone for dates without an offset
};

/// One record parsed with pugixml, plus what is needed to point errors at the original input.
/// Parsing uses pugi::parse_default: CDATA, the five XML entities and character references are
/// decoded; DOCTYPE is skipped (the splitter refuses it anyway) and pugixml never expands DTD entities.
class ParsedRecord {
public:
    /// Errors (Permanent): `<file>:<line>:<col>: malformed record: <pugixml reason> (element path ...)`.
    static Result<ParsedRecord> Parse(RawRecord const& record, DecodeContext const& ctx);

    pugi::xml_node Root() const { return doc_->document_element(); }

    /// `<file>:<line>:<col>: <reason> (element path <record path>/<path to node>)` for `node`.
    Error ErrorAt(pugi::xml_node node, std::string_view reason) const;
    Error ErrorAtOffset(std::ptrdiff_t offset, std::string_view path, std::string_view reason) const;

    DecodeContext const& Context() const { return *ctx_; }

private:
    ParsedRecord() = default;
    std::unique_ptr<pugi::xml_document> doc_;
    RawRecord const* record_ = nullptr;
    DecodeContext const* ctx_ = nullptr;
};

/// Element name without a namespace prefix.
std::string_view LocalName(pugi::xml_node node);
/// First child element with this local name (prefixes ignored), or an empty node.
pugi::xml_node Child(pugi::xml_node node, std::string_view local_name);
/// All child elements with this local name.
std::vector<pugi::xml_node> Children(pugi::xml_node node, std::string_view local_name);
/// Attribute by local name, or an empty attribute.
pugi::xml_attribute Attr(pugi::xml_node node, std::string_view local_name);
/// Trimmed text of the named child ("" if absent).
std::string ChildText(pugi::xml_node node, std::string_view local_name);
/// Trimmed own text of `node` (text and CDATA children).
std::string NodeText(pugi::xml_node node);
std::string Trimmed(std::string_view s);

/// "true"/"false" (also 1/0, any case); nullopt for anything else or empty.
std::optional<bool> ParseBool(std::string_view text);

/// The named child parsed with ParseDecimal; nullopt if absent or empty; an ErrorAt otherwise.
Result<std::optional<Decimal>> ChildDecimal(ParsedRecord const& rec, pugi::xml_node node, std::string_view name);

/// Like ChildDecimal, but when there is no such child element, an attribute of that name on `node`
/// is read instead: hand-made and very old documents write numbers as attributes
/// (`<Документ Сумма="23 000">`, `<Цена ЦенаЗаЕдиницу="12,50">`; commerceml.md §6 quirk 19).
/// Errors point at `node` and name the attribute.
Result<std::optional<Decimal>> ChildOrAttrDecimal(ParsedRecord const& rec, pugi::xml_node node, std::string_view name);

/// The named child's trimmed text, or the attribute of that name when there is no such child.
std::string ChildOrAttrText(pugi::xml_node node, std::string_view name);

/// Requisites from ЗначенияРеквизитов/ЗначениеРеквизита (Наименование + Значение), verbatim order.
std::vector<CmlRequisite> ReadRequisites(pugi::xml_node node);

/// Ид split on the first '#'; ErrorAt(Ид) when the product part is empty.
Result<OneCVariantRef> SplitId(ParsedRecord const& rec, pugi::xml_node id_node, std::string const& id);

/// ПометкаУдаления=true, Статус="Удален" attribute or <Статус>Удален</Статус>.
bool IsDeleted(pugi::xml_node node);

}  // namespace b2b::onec
