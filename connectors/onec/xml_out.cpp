#include "connectors/onec/xml_out.hpp"

#include <fmt/format.h>

namespace b2b::onec {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Copies `utf8` to `out` without the characters XML 1.0 forbids; checks the UTF-8 on the way
// (overlong forms, surrogates and values above U+10FFFF are rejected, as a strict parser would).
Status StripForbidden(std::string_view utf8, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < utf8.size();) {
        auto const b = static_cast<unsigned char>(utf8[i]);
        if (b < 0x80) {
            if (b >= 0x20 || b == '\t' || b == '\n' || b == '\r') {
                out.push_back(static_cast<char>(b));
            }
            ++i;
            continue;
        }
        std::size_t const len = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
        bool valid = len != 0 && i + len <= utf8.size();
        char32_t cp = len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
        for (std::size_t k = 1; valid && k < len; ++k) {
            auto const cb = static_cast<unsigned char>(utf8[i + k]);
            valid = IsContinuation(cb);
            cp = (cp << 6) | (cb & 0x3Fu);
        }
        if (valid) {
            valid = !(len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) &&
                    !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF));
        }
        if (!valid) {
            return Error::Permanent(fmt::format("invalid UTF-8 at byte offset {}", i));
        }
        if (cp != 0xFFFE && cp != 0xFFFF) {
            out.append(utf8.substr(i, len));
        }
        i += len;
    }
    return {};
}

// Escapes byte-wise: both output charsets are ASCII supersets whose non-ASCII bytes never look
// like markup, so the same code serves UTF-8 and windows-1251.
void AppendEscaped(std::string_view text, bool attribute, std::string& out) {
    for (char const c : text) {
        switch (c) {
            case '&':
                out.append("&amp;");
                break;
            case '<':
                out.append("&lt;");
                break;
            case '>':
                out.append("&gt;");
                break;
            case '"':
                out.append("&quot;");
                break;
            case '\'':
                out.append("&apos;");
                break;
            case '\r':
                out.append("&#13;");
                break;
            case '\t':
                out.append(attribute ? "&#9;" : "\t");
                break;
            case '\n':
                out.append(attribute ? "&#10;" : "\n");
                break;
            default:
                out.push_back(c);
        }
    }
}

}  // namespace

XmlOut::XmlOut(XmlCharset charset, UnmappablePolicy policy) : charset_(charset), policy_(policy) {}

void XmlOut::Declaration(bool bom) {
    if (charset_ == XmlCharset::kUtf8) {
        if (bom) {
            out_.append(kBom);
        }
        out_.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    } else {
        out_.append("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n");
    }
}

void XmlOut::Open(std::string_view name, std::span<XmlAttribute const> attributes) {
    if (failure_) {
        return;
    }
    Indent();
    open_.emplace_back(name);
    StartTag(name, attributes);
    out_.push_back('\n');
}

void XmlOut::Close() {
    if (failure_ || open_.empty()) {
        return;
    }
    std::string const name = std::move(open_.back());
    open_.pop_back();
    Indent();
    out_.append("</");
    AppendName(name);
    out_.append(">\n");
}

void XmlOut::Leaf(std::string_view name, std::string_view text, std::span<XmlAttribute const> attributes) {
    if (failure_) {
        return;
    }
    Indent();
    // Pushed while the value is written so a failure names this element.
    open_.emplace_back(name);
    StartTag(name, attributes);
    AppendValue(text, false, {});
    open_.pop_back();
    out_.append("</");
    AppendName(name);
    out_.append(">\n");
}

std::string XmlOut::Take() {
    std::string out = std::move(out_);
    out_.clear();
    return out;
}

void XmlOut::Indent() { out_.append(open_.size(), '\t'); }

void XmlOut::StartTag(std::string_view name, std::span<XmlAttribute const> attributes) {
    out_.push_back('<');
    AppendName(name);
    for (auto const& a : attributes) {
        out_.push_back(' ');
        AppendName(a.name);
        out_.append("=\"");
        AppendValue(a.value, true, a.name);
        out_.push_back('"');
    }
    out_.push_back('>');
}

void XmlOut::AppendName(std::string_view name) {
    if (charset_ == XmlCharset::kUtf8) {
        out_.append(name);
        return;
    }
    // Names are the writer's own constants (Cyrillic), so this cannot fail in practice.
    auto converted = Utf8ToCp1251(name);
    if (!converted) {
        Fail(converted.error(), {});
        return;
    }
    out_.append(*converted);
}

void XmlOut::AppendValue(std::string_view utf8, bool attribute, std::string_view attribute_name) {
    if (failure_) {
        return;
    }
    if (auto st = StripForbidden(utf8, scratch_); !st) {
        Fail(st.error(), attribute_name);
        return;
    }
    if (charset_ == XmlCharset::kUtf8) {
        AppendEscaped(scratch_, attribute, out_);
        return;
    }
    std::size_t replaced = 0;
    auto converted = Utf8ToCp1251(scratch_, policy_, &replaced);
    if (!converted) {
        Fail(converted.error(), attribute_name);
        return;
    }
    replaced_ += replaced;
    AppendEscaped(*converted, attribute, out_);
}

void XmlOut::Fail(Error error, std::string_view attribute_name) {
    std::string path;
    // open_[0] is the root element: every record lives below it, so it only adds noise.
    for (std::size_t i = 1; i < open_.size(); ++i) {
        if (!path.empty()) {
            path.push_back('/');
        }
        path.append(open_[i]);
    }
    if (!attribute_name.empty()) {
        path.push_back('@');
        path.append(attribute_name);
    }
    failure_ = std::move(error).WithContext("<" + path + ">");
}

}  // namespace b2b::onec
