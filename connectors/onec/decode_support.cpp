#include "connectors/onec/decode_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/domain/decimal_parse.hpp"

namespace b2b::onec {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Path of `node` relative to the record element, e.g. "Цены/Цена/ЦенаЗаЕдиницу".
std::string RelativePath(pugi::xml_node node) {
    std::vector<std::string_view> parts;
    for (auto n = node; n && n.type() == pugi::node_element && n.parent().type() == pugi::node_element;
         n = n.parent()) {
        parts.push_back(LocalName(n));
    }
    std::string path;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        path.push_back('/');
        path.append(*it);
    }
    return path;
}

}  // namespace

std::string Trimmed(std::string_view s) {
    while (!s.empty() && IsSpace(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && IsSpace(s.back())) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

Result<ParsedRecord> ParsedRecord::Parse(RawRecord const& record, DecodeContext const& ctx) {
    ParsedRecord out;
    out.doc_ = std::make_unique<pugi::xml_document>();
    out.record_ = &record;
    out.ctx_ = &ctx;
    pugi::xml_parse_result const result =
        out.doc_->load_buffer(record.xml.data(), record.xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
        return out.ErrorAtOffset(result.offset, "", fmt::format("malformed record: {}", result.description()));
    }
    return out;
}

Error ParsedRecord::ErrorAtOffset(std::ptrdiff_t offset, std::string_view path, std::string_view reason) const {
    std::uint64_t line = record_->line;
    std::uint64_t column = record_->column;
    std::string_view const xml = record_->xml;
    auto const end = static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(offset, 0, static_cast<std::ptrdiff_t>(xml.size())));
    for (std::size_t i = 0; i < end; ++i) {
        auto const b = static_cast<unsigned char>(xml[i]);
        if (b == '\n') {
            ++line;
            column = 1;
        } else if ((b & 0xC0) != 0x80) {
            ++column;
        }
    }
    return Error::Permanent(
        fmt::format("{}:{}:{}: {} (element path {}{})", ctx_->file_label, line, column, reason, record_->path, path));
}

Error ParsedRecord::ErrorAt(pugi::xml_node node, std::string_view reason) const {
    std::ptrdiff_t offset = node.offset_debug();
    // offset_debug points at the element name; report the '<' like the splitter does.
    if (offset > 0 && node.type() == pugi::node_element && record_->xml[static_cast<std::size_t>(offset - 1)] == '<') {
        --offset;
    }
    return ErrorAtOffset(offset, RelativePath(node), reason);
}

std::string_view LocalName(pugi::xml_node node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

namespace {

// LocalName(node) == local_name without measuring the name first: most names carry no prefix and
// differ from the wanted one in the first bytes, so strncmp settles them; only a mismatch that
// could still be "prefix:local" looks for the colon.
bool HasLocalName(char const* name, std::string_view local_name) {
    if (std::strncmp(name, local_name.data(), local_name.size()) == 0 && name[local_name.size()] == '\0') {
        return true;
    }
    char const* const colon = std::strchr(name, ':');
    if (colon == nullptr) {
        return false;
    }
    char const* const local = colon + 1;
    return std::strncmp(local, local_name.data(), local_name.size()) == 0 && local[local_name.size()] == '\0';
}

}  // namespace

pugi::xml_node Child(pugi::xml_node node, std::string_view local_name) {
    for (auto child = node.first_child(); child; child = child.next_sibling()) {
        if (child.type() == pugi::node_element && HasLocalName(child.name(), local_name)) {
            return child;
        }
    }
    return {};
}

std::vector<pugi::xml_node> Children(pugi::xml_node node, std::string_view local_name) {
    std::vector<pugi::xml_node> out;
    for (auto child = node.first_child(); child; child = child.next_sibling()) {
        if (child.type() == pugi::node_element && HasLocalName(child.name(), local_name)) {
            out.push_back(child);
        }
    }
    return out;
}

pugi::xml_attribute Attr(pugi::xml_node node, std::string_view local_name) {
    for (auto a = node.first_attribute(); a; a = a.next_attribute()) {
        if (HasLocalName(a.name(), local_name)) {
            return a;
        }
    }
    return {};
}

std::string NodeText(pugi::xml_node node) {
    auto first = node.first_child();
    if (first && !first.next_sibling() && (first.type() == pugi::node_pcdata || first.type() == pugi::node_cdata)) {
        // The common <X>text</X>: trim the one text node in place, no concatenation buffer.
        return Trimmed(first.value());
    }
    std::string text;
    for (auto child = first; child; child = child.next_sibling()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            text.append(child.value());
        }
    }
    return Trimmed(text);
}

std::string ChildText(pugi::xml_node node, std::string_view local_name) {
    auto child = Child(node, local_name);
    return child ? NodeText(child) : std::string{};
}

std::optional<bool> ParseBool(std::string_view text) {
    std::string const t = Trimmed(text);
    if (t == "true" || t == "True" || t == "TRUE" || t == "1") {
        return true;
    }
    if (t == "false" || t == "False" || t == "FALSE" || t == "0") {
        return false;
    }
    return std::nullopt;
}

Result<std::optional<Decimal>> ChildDecimal(ParsedRecord const& rec, pugi::xml_node node, std::string_view name) {
    auto child = Child(node, name);
    if (!child) {
        return std::optional<Decimal>{};
    }
    std::string const text = NodeText(child);
    if (text.empty()) {
        return std::optional<Decimal>{};
    }
    auto value = ParseDecimal(text);
    if (!value) {
        return rec.ErrorAt(child, value.error().message);
    }
    return std::optional<Decimal>{*value};
}

Result<std::optional<Decimal>> ChildOrAttrDecimal(ParsedRecord const& rec, pugi::xml_node node, std::string_view name) {
    if (Child(node, name)) {
        return ChildDecimal(rec, node, name);
    }
    std::string const text = Trimmed(Attr(node, name).value());
    if (text.empty()) {
        return std::optional<Decimal>{};
    }
    auto value = ParseDecimal(text);
    if (!value) {
        return rec.ErrorAt(node, fmt::format("attribute {}: {}", name, value.error().message));
    }
    return std::optional<Decimal>{*value};
}

std::string ChildOrAttrText(pugi::xml_node node, std::string_view name) {
    if (auto child = Child(node, name)) {
        return NodeText(child);
    }
    return Trimmed(Attr(node, name).value());
}

std::vector<CmlRequisite> ReadRequisites(pugi::xml_node node) {
    std::vector<CmlRequisite> out;
    for (auto r : Children(Child(node, "ЗначенияРеквизитов"), "ЗначениеРеквизита")) {
        // Values keep inner spaces verbatim but are trimmed like every other field.
        out.push_back(CmlRequisite{ChildText(r, "Наименование"), ChildText(r, "Значение")});
    }
    return out;
}

Result<OneCVariantRef> SplitId(ParsedRecord const& rec, pugi::xml_node id_node, std::string const& id) {
    auto ref = OneCId(id).SplitVariant();
    if (!ref) {
        return rec.ErrorAt(id_node ? id_node : rec.Root(), ref.error().message);
    }
    return *ref;
}

bool IsDeleted(pugi::xml_node node) {
    if (Trimmed(Attr(node, "Статус").value()) == "Удален") {
        return true;
    }
    if (ChildText(node, "Статус") == "Удален") {
        return true;
    }
    return ParseBool(ChildText(node, "ПометкаУдаления")).value_or(false);
}

}  // namespace b2b::onec
