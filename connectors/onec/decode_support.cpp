#include "connectors/onec/decode_support.hpp"

#include <fmt/format.h>

#include <algorithm>

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

std::string_view TrimmedView(std::string_view s) {
    while (!s.empty() && IsSpace(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && IsSpace(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string Trimmed(std::string_view s) { return std::string(TrimmedView(s)); }

Result<ParsedRecord> RecordParser::Parse(RawRecord const& record, DecodeContext const& ctx) {
    ParsedRecord out(record, ctx);
    // pugixml parses in place, rewriting the text; the record itself stays intact for error positions.
    buffer_.assign(record.xml);
    pugi::xml_parse_result const result =
        doc_.load_buffer_inplace(buffer_.data(), buffer_.size(), kRecordParseOptions, pugi::encoding_utf8);
    if (!result) {
        return out.ErrorAtOffset(result.offset, "", fmt::format("malformed record: {}", result.description()));
    }
    out.root_ = doc_.document_element();
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

pugi::xml_node Child(pugi::xml_node node, std::string_view local_name) {
    for (auto child = node.first_child(); child; child = child.next_sibling()) {
        // Name first: it rules out nearly every other child and all text nodes (empty names).
        if (LocalNameIs(child.name(), local_name) && child.type() == pugi::node_element) {
            return child;
        }
    }
    return {};
}

NamedChildren::Iterator& NamedChildren::Iterator::operator++() {
    do {
        node_ = node_.next_sibling();
    } while (node_ && !(LocalNameIs(node_.name(), name_) && node_.type() == pugi::node_element));
    return *this;
}

std::size_t ChildElementCount(pugi::xml_node node) {
    std::size_t n = 0;
    for (auto child = node.first_child(); child; child = child.next_sibling()) {
        n += child.type() == pugi::node_element ? 1 : 0;
    }
    return n;
}

pugi::xml_attribute Attr(pugi::xml_node node, std::string_view local_name) {
    for (auto a = node.first_attribute(); a; a = a.next_attribute()) {
        if (LocalNameIs(a.name(), local_name)) {
            return a;
        }
    }
    return {};
}

std::string_view NodeTextView(pugi::xml_node node, std::string& scratch) {
    // parse_embed_pcdata keeps the leading text in the element; text after a comment or CDATA
    // section follows as child nodes.
    std::string_view const leading = node.value();
    auto child = node.first_child();
    if (!child) {
        return TrimmedView(leading);
    }
    scratch.assign(leading);
    for (; child; child = child.next_sibling()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            scratch.append(child.value());
        }
    }
    return TrimmedView(scratch);
}

std::string NodeText(pugi::xml_node node) {
    std::string scratch;
    return std::string(NodeTextView(node, scratch));
}

std::string ChildText(pugi::xml_node node, std::string_view local_name) { return NodeText(Child(node, local_name)); }

std::optional<bool> ParseBool(std::string_view text) {
    std::string_view const t = TrimmedView(text);
    if (t == "true" || t == "True" || t == "TRUE" || t == "1") {
        return true;
    }
    if (t == "false" || t == "False" || t == "FALSE" || t == "0") {
        return false;
    }
    return std::nullopt;
}

Result<std::optional<Decimal>> NodeDecimal(ParsedRecord const& rec, pugi::xml_node child) {
    std::string scratch;
    std::string_view const text = NodeTextView(child, scratch);
    if (text.empty()) {
        return std::optional<Decimal>{};
    }
    auto value = ParseDecimal(text);
    if (!value) {
        return rec.ErrorAt(child, value.error().message);
    }
    return std::optional<Decimal>{*value};
}

Result<std::optional<Decimal>> ChildDecimal(ParsedRecord const& rec, pugi::xml_node node, std::string_view name) {
    return NodeDecimal(rec, Child(node, name));
}

Result<std::optional<Decimal>> DecimalOrAttr(ParsedRecord const& rec, pugi::xml_node node, pugi::xml_node child,
                                             std::string_view name) {
    if (child) {
        return NodeDecimal(rec, child);
    }
    std::string_view const text = TrimmedView(Attr(node, name).value());
    if (text.empty()) {
        return std::optional<Decimal>{};
    }
    auto value = ParseDecimal(text);
    if (!value) {
        return rec.ErrorAt(node, fmt::format("attribute {}: {}", name, value.error().message));
    }
    return std::optional<Decimal>{*value};
}

Result<std::optional<Decimal>> ChildOrAttrDecimal(ParsedRecord const& rec, pugi::xml_node node, std::string_view name) {
    return DecimalOrAttr(rec, node, Child(node, name), name);
}

std::string TextOrAttr(pugi::xml_node node, pugi::xml_node child, std::string_view name) {
    return child ? NodeText(child) : Trimmed(Attr(node, name).value());
}

std::string ChildOrAttrText(pugi::xml_node node, std::string_view name) {
    return TextOrAttr(node, Child(node, name), name);
}

std::vector<CmlRequisite> ReadRequisites(pugi::xml_node requisites) {
    // Values keep inner spaces verbatim but are trimmed like every other field.
    return ReadPairs<CmlRequisite>(requisites, "ЗначениеРеквизита", "Наименование", "Значение");
}

Result<OneCVariantRef> SplitId(ParsedRecord const& rec, pugi::xml_node id_node, std::string const& id) {
    auto ref = OneCId(id).SplitVariant();
    if (!ref) {
        return rec.ErrorAt(id_node ? id_node : rec.Root(), ref.error().message);
    }
    return *ref;
}

bool IsDeleted(pugi::xml_node node) {
    auto const [status, deletion_mark] = FirstChildren(node, {"Статус", "ПометкаУдаления"});
    return IsDeleted(node, status, deletion_mark);
}

bool IsDeleted(pugi::xml_node node, pugi::xml_node status, pugi::xml_node deletion_mark) {
    if (TrimmedView(Attr(node, "Статус").value()) == "Удален") {
        return true;
    }
    std::string scratch;
    if (NodeTextView(status, scratch) == "Удален") {
        return true;
    }
    return ParseBool(NodeTextView(deletion_mark, scratch)).value_or(false);
}

}  // namespace b2b::onec
