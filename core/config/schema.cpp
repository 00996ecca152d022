#include "core/config/schema.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "core/config/scalars.hpp"
#include "core/config/substitute.hpp"
#include "core/config/suggest.hpp"

namespace b2b::config::schema {
namespace {

std::string Join(std::string const& path, std::string const& key) { return path.empty() ? key : path + "." + key; }

/// `in "server"`, or `at the top level` for the root map.
std::string Where(std::string const& path) { return path.empty() ? "at the top level" : "in " + QuoteText(path); }

/// yaml-cpp marks an empty value (`key:` then newline) at the start of the next line; point at the key instead.
YAML::Mark ValueMark(YAML::Node const& key, YAML::Node const& value) {
    YAML::Mark const mark = value.Mark();
    if (mark.is_null() || (value.IsNull() && mark.line != key.Mark().line)) {
        return key.Mark();
    }
    return mark;
}

bool IsValidEntryName(std::string const& name) {
    if (name.empty()) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

/// Checks a map's key: it must be a scalar and not repeat an earlier key. Returns the key text if usable.
std::optional<std::string> TakeKey(YAML::Node const& key, std::string const& path, DecodeContext& ctx,
                                   std::map<std::string, YAML::Mark>& first_seen) {
    if (!key.IsScalar()) {
        ctx.Report(key.Mark(), "keys must be plain strings " + Where(path));
        return std::nullopt;
    }
    std::string name = key.Scalar();
    auto const [pos, inserted] = first_seen.emplace(name, key.Mark());
    if (!inserted) {
        ctx.Report(key.Mark(), "duplicate key " + QuoteText(name) + " " + Where(path) + " (first defined at line " +
                                   std::to_string(pos->second.line + 1) + ")");
        return std::nullopt;
    }
    return name;
}

}  // namespace

void DecodeContext::Report(YAML::Mark const& mark, std::string message) {
    Diagnostic d;
    d.file = file_;
    if (!mark.is_null() && mark.line >= 0) {
        d.line = mark.line + 1;
        d.column = mark.column + 1;
    }
    d.message = std::move(message);
    diagnostics_.push_back(std::move(d));
}

std::vector<Diagnostic> DecodeContext::TakeSorted() {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](Diagnostic const& a, Diagnostic const& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return std::exchange(diagnostics_, {});
}

std::string Subject(std::string const& path) { return QuoteText(path) + ": "; }

std::string DescribeNode(YAML::Node const& node) {
    if (node.IsMap()) {
        return "a map";
    }
    if (node.IsSequence()) {
        return "a list";
    }
    if (node.IsScalar()) {
        return QuoteText(node.Scalar());
    }
    return "an empty value";
}

std::optional<std::string> ScalarText(YAML::Node const& node, YAML::Mark const& at, std::string const& path,
                                      DecodeContext& ctx, std::string_view noun) {
    if (node.IsMap() || node.IsSequence()) {
        ctx.Report(at, Subject(path) + "expected " + std::string(noun) + ", got " + DescribeNode(node));
        return std::nullopt;
    }
    if (!node.IsScalar()) {
        return std::string();
    }
    auto substituted = SubstituteEnv(node.Scalar(), ctx.env());
    if (!substituted) {
        ctx.Report(at, Subject(path) + substituted.error().message);
        return std::nullopt;
    }
    return std::move(*substituted);
}

FieldBuilder& FieldBuilder::Default(std::string text) {
    decl().default_text = std::move(text);
    return *this;
}

FieldBuilder& FieldBuilder::Required() {
    decl().required = true;
    return *this;
}

FieldBuilder& FieldBuilder::Description(std::string text) {
    decl().description = std::move(text);
    return *this;
}

FieldBuilder StructSpecBase::AddField(std::string name, std::shared_ptr<ValueSpec const> spec,
                                      std::function<void*(void*)> member) {
    for (auto const& f : fields_) {
        if (f.name == name) {
            throw std::logic_error("config schema declares key \"" + name + "\" twice");
        }
    }
    FieldDecl decl;
    decl.name = std::move(name);
    decl.spec = std::move(spec);
    decl.member = std::move(member);
    fields_.push_back(std::move(decl));
    return FieldBuilder(fields_, fields_.size() - 1);
}

void StructSpecBase::Decode(YAML::Node const& node, YAML::Mark const& at, std::string const& path,
                            DecodeContext& ctx, void* out) const {
    if (node.IsScalar() || node.IsSequence()) {
        ctx.Report(at, Subject(path) + "expected a map, got " + DescribeNode(node));
        return;
    }
    std::vector<bool> present(fields_.size(), false);
    if (node.IsMap()) {
        std::map<std::string, YAML::Mark> first_seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            auto name = TakeKey(it->first, path, ctx, first_seen);
            if (!name) {
                continue;
            }
            auto const field = std::find_if(fields_.begin(), fields_.end(),
                                            [&](FieldDecl const& f) { return f.name == *name; });
            if (field == fields_.end()) {
                std::vector<std::string> names;
                for (auto const& f : fields_) {
                    names.push_back(f.name);
                }
                std::string message = "unknown key " + QuoteText(*name) + " " + Where(path);
                if (auto hint = ClosestMatch(*name, names)) {
                    message += "; did you mean " + QuoteText(*hint) + "?";
                } else {
                    std::string list;
                    for (auto const& n : names) {
                        list += (list.empty() ? "" : ", ") + n;
                    }
                    message += "; valid keys: " + list;
                }
                ctx.Report(it->first.Mark(), std::move(message));
                continue;
            }
            present[static_cast<std::size_t>(field - fields_.begin())] = true;
            field->spec->Decode(it->second, ValueMark(it->first, it->second), Join(path, *name), ctx,
                                field->member(out));
        }
    }
    YAML::Mark const map_at = node.IsMap() && !node.Mark().is_null() ? node.Mark() : at;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        FieldDecl const& field = fields_[i];
        if (present[i]) {
            continue;
        }
        if (field.required) {
            std::string const subject = path.empty() ? std::string() : Subject(path);
            ctx.Report(map_at, subject + "missing required key " + QuoteText(field.name));
        } else if (field.default_text) {
            field.spec->Decode(YAML::Node(*field.default_text), map_at, Join(path, field.name), ctx,
                               field.member(out));
        } else if (field.spec->GetShape() == Shape::kStruct) {
            field.spec->Decode(YAML::Node(), map_at, Join(path, field.name), ctx, field.member(out));
        }
    }
}

void DecodeMapEntries(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                      ValueSpec const& element, std::function<void*(std::string const&)> const& slot) {
    if (node.IsScalar() || node.IsSequence()) {
        ctx.Report(at, Subject(path) + "expected a map, got " + DescribeNode(node));
        return;
    }
    if (!node.IsMap()) {
        return;
    }
    std::map<std::string, YAML::Mark> first_seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        auto name = TakeKey(it->first, path, ctx, first_seen);
        if (!name) {
            continue;
        }
        if (!IsValidEntryName(*name)) {
            ctx.Report(it->first.Mark(), "invalid name " + QuoteText(*name) + " " + Where(path) +
                                             "; use letters, digits, \"_\" and \"-\"");
            continue;
        }
        element.Decode(it->second, ValueMark(it->first, it->second), Join(path, *name), ctx, slot(*name));
    }
}

void DecodeListItems(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                     ValueSpec const& element, std::function<void*()> const& append) {
    if (node.IsScalar() || node.IsMap()) {
        ctx.Report(at, Subject(path) + "expected a list, got " + DescribeNode(node));
        return;
    }
    if (!node.IsSequence()) {
        return;
    }
    std::size_t index = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++index) {
        YAML::Mark const mark = it->Mark().is_null() ? at : it->Mark();
        element.Decode(*it, mark, path + "[" + std::to_string(index) + "]", ctx, append());
    }
}

}  // namespace b2b::config::schema
