#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstring>
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

/// pugixml flags for records: parse_default (CDATA, the five XML entities and character references
/// decoded, CR LF -> LF, whitespace in attributes normalised) plus parse_embed_pcdata, which keeps an
/// element's leading text in the element itself instead of a child node: the DOM is about half the
/// size and NodeText of the usual `<X>text</X>` needs no child lookup. DOCTYPE is skipped (the
/// splitter refuses it anyway) and pugixml never expands DTD entities.
inline constexpr unsigned kRecordParseOptions = pugi::parse_default | pugi::parse_embed_pcdata;

class RecordParser;

/// One record parsed by a RecordParser, plus what is needed to point errors at the original input.
class ParsedRecord {
public:
    pugi::xml_node Root() const { return root_; }

    /// `<file>:<line>:<col>: <reason> (element path <record path>/<path to node>)` for `node`.
    Error ErrorAt(pugi::xml_node node, std::string_view reason) const;
    Error ErrorAtOffset(std::ptrdiff_t offset, std::string_view path, std::string_view reason) const;

    DecodeContext const& Context() const { return *ctx_; }

private:
    friend class RecordParser;
    ParsedRecord(RawRecord const& record, DecodeContext const& ctx) : record_(&record), ctx_(&ctx) {}

    pugi::xml_node root_;
    RawRecord const* record_;
    DecodeContext const* ctx_;
};

/// Parses records into one reused pugixml document and buffer, so a record costs no document
/// allocation. Not thread-safe: one per decoding thread; a ParsedRecord is valid until the next Parse.
class RecordParser {
public:
    /// Errors (Permanent): `<file>:<line>:<col>: malformed record: <pugixml reason> (element path ...)`.
    Result<ParsedRecord> Parse(RawRecord const& record, DecodeContext const& ctx);

private:
    pugi::xml_document doc_;
    std::string buffer_;  ///< a mutable copy of the record for load_buffer_inplace
};

/// Element name without a namespace prefix.
std::string_view LocalName(pugi::xml_node node);

/// True when the NUL-terminated name `name` (element or attribute) has the local name `local_name`
/// (which carries no prefix itself): LocalName(...) == local_name without measuring the name first.
/// strncmp stops at the first difference or at the name's end, and only a name that does not match
/// as a whole is searched for a prefix. Text nodes have empty names and never match.
inline bool LocalNameIs(char const* name, std::string_view local_name) {
    auto const whole = [local_name](char const* n) {
        return std::strncmp(n, local_name.data(), local_name.size()) == 0 && n[local_name.size()] == '\0';
    };
    if (whole(name)) {
        return true;
    }
    char const* const colon = std::strchr(name, ':');
    return colon != nullptr && whole(colon + 1);
}

/// First child element with this local name (prefixes ignored), or an empty node.
pugi::xml_node Child(pugi::xml_node node, std::string_view local_name);

/// The first child element for each of `local_names`, in that order, found in one pass over the
/// children: a decoder reading many fields of an element looks at each child once instead of once
/// per field. Use with a structured binding: `auto [id, name] = FirstChildren(node, {"Ид", "Наименование"});`
template <std::size_t N>
std::array<pugi::xml_node, N> FirstChildren(pugi::xml_node node, std::string_view const (&local_names)[N]) {
    std::array<pugi::xml_node, N> found{};
    std::size_t missing = N;
    // Index of `name` in local_names, N if absent.
    auto const index_of = [&local_names](std::string_view name) {
        std::size_t i = 0;
        while (i < N && name != local_names[i]) {
            ++i;
        }
        return i;
    };
    for (auto child = node.first_child(); child; child = child.next_sibling()) {
        // The names we look for carry no prefix: only a name matching none of them whole is
        // searched for one. Text nodes have empty names and match nothing, so the node type is
        // checked only for a match.
        std::string_view name = child.name();
        std::size_t i = index_of(name);
        if (i == N) {
            auto const colon = name.find(':');
            if (colon == std::string_view::npos) {
                continue;
            }
            i = index_of(name.substr(colon + 1));
            if (i == N) {
                continue;
            }
        }
        if (found[i] || child.type() != pugi::node_element) {
            continue;
        }
        found[i] = child;
        if (--missing == 0) {
            break;  // later children cannot change a first match
        }
    }
    return found;
}

/// The child elements of a node with one local name, iterated in document order without
/// collecting them. The name must outlive the range.
class NamedChildren {
public:
    class Iterator {
    public:
        using value_type = pugi::xml_node;
        using difference_type = std::ptrdiff_t;

        Iterator() = default;
        Iterator(pugi::xml_node node, std::string_view local_name) : node_(node), name_(local_name) {}
        pugi::xml_node operator*() const { return node_; }
        Iterator& operator++();
        Iterator operator++(int) {
            Iterator before = *this;
            ++*this;
            return before;
        }
        bool operator==(Iterator const& other) const { return node_ == other.node_; }

    private:
        pugi::xml_node node_;
        std::string_view name_;
    };

    NamedChildren(pugi::xml_node parent, std::string_view local_name)
        : first_(Child(parent, local_name)), name_(local_name) {}
    Iterator begin() const { return {first_, name_}; }
    Iterator end() const { return {}; }
    bool empty() const { return !first_; }

private:
    pugi::xml_node first_;
    std::string_view name_;
};

/// All child elements with this local name (lazily, see NamedChildren).
inline NamedChildren Children(pugi::xml_node node, std::string_view local_name) { return {node, local_name}; }
/// Attribute by local name, or an empty attribute.
pugi::xml_attribute Attr(pugi::xml_node node, std::string_view local_name);
/// Trimmed text of the named child ("" if absent).
std::string ChildText(pugi::xml_node node, std::string_view local_name);
/// Trimmed own text of `node` (its text and CDATA; "" for an empty node).
std::string NodeText(pugi::xml_node node);
/// NodeText without a copy: a view into the document (valid until the next Parse), or into
/// `scratch` when the text is split by a comment or CDATA section. For text that is parsed or
/// compared right away rather than kept.
std::string_view NodeTextView(pugi::xml_node node, std::string& scratch);
std::string Trimmed(std::string_view s);
/// `s` without leading and trailing whitespace (space, tab, CR, LF).
std::string_view TrimmedView(std::string_view s);

/// Number of child elements of `node`: a bound for reserving the vector its children decode into
/// (one allocation instead of a growth series; allocations of 1 KiB and more also make glibc
/// consolidate its freed small chunks).
std::size_t ChildElementCount(pugi::xml_node node);

/// "true"/"false" (also 1/0, any case); nullopt for anything else or empty.
std::optional<bool> ParseBool(std::string_view text);

/// `child`'s text parsed with ParseDecimal; nullopt if `child` is empty or has no text; an
/// ErrorAt(child) otherwise.
Result<std::optional<Decimal>> NodeDecimal(ParsedRecord const& rec, pugi::xml_node child);

/// The named child parsed with ParseDecimal; nullopt if absent or empty; an ErrorAt otherwise.
Result<std::optional<Decimal>> ChildDecimal(ParsedRecord const& rec, pugi::xml_node node, std::string_view name);

/// Like NodeDecimal(rec, child), but when `child` (the child element `name` of `node`, as found by
/// the caller) is empty, the attribute `name` on `node` is read instead: hand-made and very old
/// documents write numbers as attributes (`<Документ Сумма="23 000">`, `<Цена ЦенаЗаЕдиницу="12,50">`;
/// commerceml.md §6 quirk 19). Errors for the attribute point at `node` and name the attribute.
Result<std::optional<Decimal>> DecimalOrAttr(ParsedRecord const& rec, pugi::xml_node node, pugi::xml_node child,
                                             std::string_view name);

/// DecimalOrAttr with the child looked up by name.
Result<std::optional<Decimal>> ChildOrAttrDecimal(ParsedRecord const& rec, pugi::xml_node node, std::string_view name);

/// `child`'s trimmed text, or when `child` is empty the trimmed attribute `name` of `node`.
std::string TextOrAttr(pugi::xml_node node, pugi::xml_node child, std::string_view name);

/// TextOrAttr with the child looked up by name.
std::string ChildOrAttrText(pugi::xml_node node, std::string_view name);

/// Requisites from a ЗначенияРеквизитов element's ЗначениеРеквизита children (Наименование +
/// Значение), verbatim order; none for an empty node.
std::vector<CmlRequisite> ReadRequisites(pugi::xml_node requisites);

/// The `item` children of `list`, each read as T{text of its `first` child, text of its `second`
/// child}, in document order (requisites, characteristics, property values).
template <class T>
std::vector<T> ReadPairs(pugi::xml_node list, std::string_view item, std::string_view first, std::string_view second) {
    std::vector<T> out;
    out.reserve(ChildElementCount(list));
    std::string_view const names[2] = {first, second};
    for (auto element : Children(list, item)) {
        auto const [a, b] = FirstChildren(element, names);
        out.push_back(T{NodeText(a), NodeText(b)});
    }
    return out;
}

/// Ид split on the first '#'; ErrorAt(Ид) when the product part is empty.
Result<OneCVariantRef> SplitId(ParsedRecord const& rec, pugi::xml_node id_node, std::string const& id);

/// ПометкаУдаления=true, Статус="Удален" attribute or <Статус>Удален</Статус>.
bool IsDeleted(pugi::xml_node node);
/// The same with `node`'s first Статус and ПометкаУдаления children already found (or empty).
bool IsDeleted(pugi::xml_node node, pugi::xml_node status, pugi::xml_node deletion_mark);

}  // namespace b2b::onec
