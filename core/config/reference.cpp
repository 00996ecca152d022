#include "core/config/reference.hpp"

#include <stdexcept>

namespace b2b::config::schema {
namespace {

std::string Cell(std::string const& text) {
    std::string out;
    for (char c : text) {
        if (c == '|') {
            out += "\\|";
        } else {
            out += c;
        }
    }
    return out;
}

std::string DefaultCell(FieldDecl const& field) {
    if (field.required) {
        return "**required**";
    }
    if (field.default_text) {
        return field.default_text->empty() ? "`\"\"`" : "`" + *field.default_text + "`";
    }
    return "—";
}

// `path` is how keys of this map are written in the reference ("queue.backoff", "targets.<name>").
void RenderStruct(StructSpecBase const& spec, std::string const& path, std::string const& description,
                  std::string& out) {
    std::string const heading = path.empty() ? "Top level" : "`" + path + "`";
    out += "### " + heading + "\n\n";
    if (!description.empty()) {
        out += description + "\n\n";
    }
    bool has_rows = false;
    std::string table = "| Key | Type | Default | Description |\n|---|---|---|---|\n";
    for (auto const& field : spec.fields()) {
        if (field.description.empty()) {
            throw std::logic_error("config key \"" + path + "." + field.name + "\" has no description");
        }
        std::string const key = path.empty() ? field.name : path + "." + field.name;
        Shape const shape = field.spec->GetShape();
        std::string type = field.spec->TypeName();
        // Nested maps get their own section; the row only points there.
        if (shape == Shape::kStruct) {
            type = "map (section `" + key + "` below)";
        } else if (shape == Shape::kMapOf && field.spec->Element()->AsStruct() != nullptr) {
            type = "map of name -> map (section `" + key + ".<name>` below)";
        } else if (shape == Shape::kListOf && field.spec->Element()->AsStruct() != nullptr) {
            type = "list of maps (section `" + key + "[]` below)";
        }
        table += "| `" + key + "` | " + Cell(type) + " | " + DefaultCell(field) + " | " + Cell(field.description) +
                 " |\n";
        has_rows = true;
    }
    if (has_rows) {
        out += table + "\n";
    }
    for (auto const& field : spec.fields()) {
        std::string const key = path.empty() ? field.name : path + "." + field.name;
        ValueSpec const* nested = field.spec.get();
        std::string nested_path = key;
        if (field.spec->GetShape() == Shape::kMapOf || field.spec->GetShape() == Shape::kListOf) {
            nested = field.spec->Element();
            nested_path += field.spec->GetShape() == Shape::kMapOf ? ".<name>" : "[]";
        }
        if (nested != nullptr && nested->AsStruct() != nullptr) {
            RenderStruct(*nested->AsStruct(), nested_path, field.description, out);
        }
    }
}

}  // namespace

std::string RenderKeyTables(StructSpecBase const& root) {
    std::string out;
    RenderStruct(root, "", "", out);
    return out;
}

}  // namespace b2b::config::schema
