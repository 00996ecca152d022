#include "core/util/log.hpp"

#include <cstdlib>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace b2b::log {
namespace {

spdlog::level::level_enum ToSpd(Level level) {
    switch (level) {
        case Level::kTrace:
            return spdlog::level::trace;
        case Level::kDebug:
            return spdlog::level::debug;
        case Level::kInfo:
            return spdlog::level::info;
        case Level::kWarn:
            return spdlog::level::warn;
        case Level::kError:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

bool NeedsQuotes(std::string_view v) {
    if (v.empty()) {
        return true;
    }
    for (char ch : v) {
        if (ch == ' ' || ch == '"' || ch == '=' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) {
            return true;
        }
    }
    return false;
}

void AppendValue(std::string& out, std::string_view v) {
    if (!NeedsQuotes(v)) {
        out += v;
        return;
    }
    out += '"';
    for (char ch : v) {
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += ch;
        }
    }
    out += '"';
}

std::shared_ptr<spdlog::logger> MakeLogger() {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("b2bsync", sink);
    // journald timestamps every line itself and reads the "<N>" prefix as the priority.
    if (std::getenv("JOURNAL_STREAM") != nullptr) {
        logger->set_pattern("%v");
    } else {
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z level=%l %v");
    }
    logger->flush_on(spdlog::level::trace);
    return logger;
}

spdlog::logger& Logger() {
    static std::shared_ptr<spdlog::logger> logger = MakeLogger();
    return *logger;
}

char const* JournalPrefix(Level level) {
    switch (level) {
        case Level::kTrace:
        case Level::kDebug:
            return "<7>";
        case Level::kInfo:
            return "<6>";
        case Level::kWarn:
            return "<4>";
        case Level::kError:
            return "<3>";
    }
    return "<6>";
}

}  // namespace

void Init(Level level) { SetLevel(level); }

void SetLevel(Level level) { Logger().set_level(ToSpd(level)); }

bool ParseLevel(std::string_view text, Level& out) {
    static constexpr std::pair<std::string_view, Level> kNames[] = {
        {"trace", Level::kTrace}, {"debug", Level::kDebug}, {"info", Level::kInfo},
        {"warn", Level::kWarn},   {"error", Level::kError},
    };
    for (auto const& [name, level] : kNames) {
        if (name == text) {
            out = level;
            return true;
        }
    }
    return false;
}

std::string FormatLine(std::string_view component, std::string_view message, std::initializer_list<Field> fields) {
    std::string line;
    line.reserve(64 + message.size());
    line += "component=";
    AppendValue(line, component);
    line += " msg=";
    AppendValue(line, message);
    for (auto const& f : fields) {
        line += ' ';
        line += f.key;
        line += '=';
        AppendValue(line, f.value);
    }
    return line;
}

void Write(Level level, std::string_view component, std::string_view message, std::initializer_list<Field> fields) {
    auto& logger = Logger();
    auto const spd_level = ToSpd(level);
    if (!logger.should_log(spd_level)) {
        return;
    }
    static bool const journald = std::getenv("JOURNAL_STREAM") != nullptr;
    std::string line = FormatLine(component, message, fields);
    if (journald) {
        line.insert(0, JournalPrefix(level));
    }
    logger.log(spd_level, "{}", line);
}

}  // namespace b2b::log
