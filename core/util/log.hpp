#pragma once

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>

namespace b2b::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

/// One key=value pair of a structured log line. Values are quoted when they contain spaces.
struct Field {
    std::string_view key;
    std::string value;

    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, char const* v) : key(k), value(v) {}
    Field(std::string_view k, std::string const& v) : key(k), value(v) {}
    template <std::integral I>
    Field(std::string_view k, I v) : key(k), value(std::to_string(v)) {}
};

/// Sets up the process-wide logger: one line per event on stderr, `key=value` (logfmt).
/// Under journald (JOURNAL_STREAM set) lines carry `<N>` priority prefixes instead of timestamps.
void Init(Level level);
void SetLevel(Level level);
bool ParseLevel(std::string_view text, Level& out);

void Write(Level level, std::string_view component, std::string_view message, std::initializer_list<Field> fields);

/// Formats the line without writing it (exposed for tests of quoting rules).
std::string FormatLine(std::string_view component, std::string_view message, std::initializer_list<Field> fields);

inline void Trace(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kTrace, c, m, f); }
inline void Debug(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kDebug, c, m, f); }
inline void Info(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kInfo, c, m, f); }
inline void Warn(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kWarn, c, m, f); }
inline void Error(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kError, c, m, f); }

}  // namespace b2b::log
