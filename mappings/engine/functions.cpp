#include "mappings/engine/functions.hpp"

namespace b2b::mapping {

std::vector<FunctionInfo> const& Functions() {
    static std::vector<FunctionInfo> const functions = {
        {"table", "table(NAME) | table(NAME, TO) | table(NAME, FROM, TO)",
         "look the value up in a value table: in the key column (or FROM) and return the value column (or TO)"},
        {"default", "default(VALUE)", "VALUE when the input is absent or empty"},
        {"upper", "upper", "text in capitals (Latin and Cyrillic)"},
        {"lower", "lower", "text in small letters (Latin and Cyrillic)"},
        {"trim", "trim", "text without surrounding spaces"},
        {"date", "date(\"FORMAT\")", "a time as text: %Y %m %d %H %M %S %z (+03:00); default \"%Y-%m-%d\""},
        {"link", "link(SYSTEM.KIND)", "the value looked up through the link resolver (e.g. a stage name -> id)"},
        {"decimal", "decimal(SCALE)", "a number rounded half away from zero to SCALE (0..4) digits, written with them"},
    };
    return functions;
}

std::vector<std::string> FunctionNames() {
    std::vector<std::string> names;
    for (auto const& f : Functions()) {
        names.push_back(f.name);
    }
    return names;
}

}  // namespace b2b::mapping
