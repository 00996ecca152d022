#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config/diagnostic.hpp"
#include "core/config/environment.hpp"
#include "core/util/error.hpp"

/// The declarative config schema engine (style.md §9.5 rule 7). Every key is declared once, on a
/// StructSpec<T>, with its type (a ValueSpec), member to bind, default, required flag and description. The
/// same declarations drive validation, defaults, binding into T and the generated reference. New sections
/// are added by declaring fields; the engine never changes for them.
///
/// Diagnostics produced by the engine itself (scalar kinds add their own, see scalars.hpp/substitute.hpp):
///   unknown key "K" in "PATH"; did you mean "X"?       (top level: `at the top level` instead of `in "PATH"`)
///   unknown key "K" in "PATH"; valid keys: a, b, c     (when nothing is close)
///   duplicate key "K" in "PATH" (first defined at line N)
///   "PATH": missing required key "K"                   (at the parent map's position)
///   "PATH": expected NOUN, got a map | got a list | got "TEXT"
///   "PATH": expected a map, got ...  |  "PATH": expected a list, got ...
///   invalid name "K" in "PATH"; use letters, digits, "_" and "-"   (keys of a map-of)
///   keys must be plain strings in "PATH"
namespace b2b::config::schema {

/// Collects the diagnostics of one file while it is decoded; positions come from yaml-cpp marks.
class DecodeContext {
public:
    DecodeContext(std::string file, Environment const& env) : file_(std::move(file)), env_(env) {}

    /// Records a problem at `mark` (0-based, as yaml-cpp gives it; a null mark means "whole file").
    void Report(YAML::Mark const& mark, std::string message);
    Environment const& env() const noexcept { return env_; }
    bool HasErrors() const noexcept { return !diagnostics_.empty(); }
    /// All diagnostics, sorted by position (whole-file ones first); the context is left empty.
    std::vector<Diagnostic> TakeSorted();

private:
    std::string file_;
    Environment const& env_;
    std::vector<Diagnostic> diagnostics_;
};

enum class Shape { kScalar, kStruct, kMapOf, kListOf };

class StructSpecBase;

/// A declared value type. Implementations never throw on bad input: they report to the context.
class ValueSpec {
public:
    virtual ~ValueSpec() = default;
    virtual Shape GetShape() const { return Shape::kScalar; }
    /// Type as shown in the reference, e.g. "duration", "integer, 1..64".
    virtual std::string TypeName() const = 0;
    /// Decodes `node` into `*out`, which points at the C++ type the spec binds (the typed builders below make
    /// that hold). `at` is where problems with the value as a whole are reported; `path` is the dotted key.
    virtual void Decode(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                        void* out) const = 0;
    virtual StructSpecBase const* AsStruct() const { return nullptr; }
    /// The element of a map-of or list-of.
    virtual ValueSpec const* Element() const { return nullptr; }
};

/// `"path": ` for messages.
std::string Subject(std::string const& path);
/// "a map", "a list", "an empty value" or the quoted scalar text.
std::string DescribeNode(YAML::Node const& node);
/// The scalar's text after ${ENV} substitution, or nullopt after reporting why there is none.
std::optional<std::string> ScalarText(YAML::Node const& node, YAML::Mark const& at, std::string const& path,
                                      DecodeContext& ctx, std::string_view noun);

/// Base of scalar kinds: checks the YAML shape, substitutes ${ENV}, then Parse()s the text.
template <class V>
class ScalarSpec : public ValueSpec {
public:
    using Value = V;
    /// What was expected, for "expected NOUN, got a map": "an integer".
    virtual std::string Noun() const = 0;
    /// Parses substituted text; the error message has no key path (it is prefixed here).
    virtual Result<V> Parse(std::string_view text, Environment const& env) const = 0;

    void Decode(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                void* out) const final {
        auto text = ScalarText(node, at, path, ctx, Noun());
        if (!text) {
            return;
        }
        auto parsed = Parse(*text, ctx.env());
        if (!parsed) {
            ctx.Report(at, Subject(path) + parsed.error().message);
            return;
        }
        *static_cast<V*>(out) = std::move(*parsed);
    }
};

/// One declared key of a struct.
struct FieldDecl {
    std::string name;
    std::shared_ptr<ValueSpec const> spec;
    std::function<void*(void*)> member;  ///< struct object -> bound member
    bool required = false;
    std::optional<std::string> default_text;  ///< decoded like YAML text when the key is absent
    std::string description;
};

/// Chains options onto the field just declared.
class FieldBuilder {
public:
    FieldBuilder(std::vector<FieldDecl>& fields, std::size_t index) : fields_(&fields), index_(index) {}
    /// Value used when the key is absent, written as in YAML ("10s", "64MiB", "info").
    FieldBuilder& Default(std::string text);
    /// The key must be present. A required field has no default.
    FieldBuilder& Required();
    FieldBuilder& Description(std::string text);

private:
    FieldDecl& decl() { return (*fields_)[index_]; }
    std::vector<FieldDecl>* fields_;
    std::size_t index_;
};

/// A YAML map with declared keys, bound to a struct. Absent keys: required -> diagnostic; default -> decoded
/// default; nested struct -> decoded from an empty map (so its own defaults apply); otherwise untouched.
class StructSpecBase : public ValueSpec {
public:
    Shape GetShape() const final { return Shape::kStruct; }
    std::string TypeName() const final { return "map"; }
    StructSpecBase const* AsStruct() const final { return this; }
    void Decode(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                void* out) const final;
    std::vector<FieldDecl> const& fields() const noexcept { return fields_; }

protected:
    /// Throws std::logic_error on a name declared twice: that is a programming error.
    FieldBuilder AddField(std::string name, std::shared_ptr<ValueSpec const> spec, std::function<void*(void*)> member);

private:
    std::vector<FieldDecl> fields_;
};

template <class T>
class StructSpec final : public StructSpecBase {
public:
    using Value = T;

    /// Declares key `name` bound to `member`; the spec's Value type must be the member's type.
    template <class V, class S>
    FieldBuilder Field(std::string name, V T::*member, std::shared_ptr<S> spec) {
        static_assert(std::is_same_v<typename S::Value, V>, "the spec's value type must match the member's type");
        return AddField(std::move(name), std::move(spec),
                        [member](void* obj) -> void* { return &(static_cast<T*>(obj)->*member); });
    }
};

/// Non-template halves of map-of and list-of decoding.
void DecodeMapEntries(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                      ValueSpec const& element, std::function<void*(std::string const&)> const& slot);
void DecodeListItems(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                     ValueSpec const& element, std::function<void*()> const& append);

/// A map from user-chosen names (letters, digits, "_", "-") to elements, e.g. `targets: {sink: {...}}`.
template <class S>
class MapOfSpec final : public ValueSpec {
public:
    using Value = std::map<std::string, typename S::Value>;
    explicit MapOfSpec(std::shared_ptr<S> element) : element_(std::move(element)) {}
    Shape GetShape() const override { return Shape::kMapOf; }
    std::string TypeName() const override { return "map of name -> " + element_->TypeName(); }
    ValueSpec const* Element() const override { return element_.get(); }
    void Decode(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                void* out) const override {
        auto& map = *static_cast<Value*>(out);
        DecodeMapEntries(node, at, path, ctx, *element_, [&map](std::string const& key) -> void* { return &map[key]; });
    }

private:
    std::shared_ptr<S> element_;
};

template <class S>
class ListOfSpec final : public ValueSpec {
public:
    using Value = std::vector<typename S::Value>;
    explicit ListOfSpec(std::shared_ptr<S> element) : element_(std::move(element)) {}
    Shape GetShape() const override { return Shape::kListOf; }
    std::string TypeName() const override { return "list of " + element_->TypeName(); }
    ValueSpec const* Element() const override { return element_.get(); }
    void Decode(YAML::Node const& node, YAML::Mark const& at, std::string const& path, DecodeContext& ctx,
                void* out) const override {
        auto& list = *static_cast<Value*>(out);
        DecodeListItems(node, at, path, ctx, *element_, [&list]() -> void* { return &list.emplace_back(); });
    }

private:
    std::shared_ptr<S> element_;
};

template <class T>
std::shared_ptr<StructSpec<T>> Struct() {
    return std::make_shared<StructSpec<T>>();
}
template <class S>
std::shared_ptr<MapOfSpec<S>> MapOf(std::shared_ptr<S> element) {
    return std::make_shared<MapOfSpec<S>>(std::move(element));
}
template <class S>
std::shared_ptr<ListOfSpec<S>> ListOf(std::shared_ptr<S> element) {
    return std::make_shared<ListOfSpec<S>>(std::move(element));
}

}  // namespace b2b::config::schema
