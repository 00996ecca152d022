#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/onec/encoding.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

/// The byte encodings XmlOut can produce.
enum class XmlCharset { kUtf8, kWindows1251 };

struct XmlAttribute {
    std::string_view name;
    std::string_view value;
};

/// A small streaming XML builder: appends to one string, keeps only the stack of open elements
/// (never a DOM), so its memory is the output itself.
///
/// Layout is fixed so output is byte-for-byte deterministic: one element per line, a tab per
/// nesting level, `\n` line ends (what Bitrix's PHP exporter emits; 1C ignores the whitespace),
/// attributes in the order given, leaf elements always as `<a>text</a>` (also when empty, as Bitrix).
///
/// Names and values are UTF-8 on input. Values are processed in this order:
///  1. characters XML 1.0 forbids are dropped: C0 controls other than tab, LF and CR, and U+FFFE,
///     U+FFFF. A stray control character pasted into a comment must not make the peer reject the
///     whole exchange, and the text has no other faithful representation in XML 1.0;
///  2. the value is converted to the output charset (windows-1251 per UnmappablePolicy);
///  3. `& < > " '` become `&amp; &lt; &gt; &quot; &apos;`; CR becomes `&#13;` (a literal CR would be
///     normalised to LF by every parser), and in attribute values tab and LF become `&#9;` / `&#10;`
///     (attribute-value normalisation would turn them into spaces).
/// The first failure (invalid UTF-8, an unmappable character under kFail) is kept in Failure();
/// later calls are ignored, so callers check once per record.
class XmlOut {
public:
    XmlOut(XmlCharset charset, UnmappablePolicy policy);

    /// `<?xml version="1.0" encoding="…"?>` + `\n`; for kUtf8 preceded by the EF BB BF BOM when `bom`.
    void Declaration(bool bom);
    /// `<name a="v"…>` on its own line; the element stays open until Close().
    void Open(std::string_view name, std::initializer_list<XmlAttribute> attributes = {}) {
        Open(name, std::span<XmlAttribute const>(attributes.begin(), attributes.size()));
    }
    void Open(std::string_view name, std::span<XmlAttribute const> attributes);
    /// Closes the innermost open element.
    void Close();
    /// `<name a="v"…>text</name>` on its own line.
    void Leaf(std::string_view name, std::string_view text, std::initializer_list<XmlAttribute> attributes = {}) {
        Leaf(name, text, std::span<XmlAttribute const>(attributes.begin(), attributes.size()));
    }
    void Leaf(std::string_view name, std::string_view text, std::span<XmlAttribute const> attributes);

    /// The first error, as `<path>: <reason>`; path is the element path below the root element,
    /// e.g. `<Документ/Товары/Товар/Наименование>` or `<…/БазоваяЕдиница@НаименованиеПолное>`.
    std::optional<Error> const& Failure() const noexcept { return failure_; }
    /// Characters written as '?' so far (UnmappablePolicy::kQuestionMark).
    std::size_t Replaced() const noexcept { return replaced_; }
    /// The bytes written so far; the builder is empty afterwards.
    std::string Take();

private:
    void Indent();
    void StartTag(std::string_view name, std::span<XmlAttribute const> attributes);
    void AppendName(std::string_view name);
    void AppendValue(std::string_view utf8, bool attribute, std::string_view attribute_name);
    void Fail(Error error, std::string_view attribute_name);

    XmlCharset charset_;
    UnmappablePolicy policy_;
    std::string out_;
    std::string scratch_;
    std::vector<std::string> open_;
    std::optional<Error> failure_;
    std::size_t replaced_ = 0;
};

}  // namespace b2b::onec
