#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace b2b::emu::bitrix24 {

enum class FaultKind {
    kNone,
    kHtml,       // gateway page (502/503/504) with a text/html body
    kTooMany,    // 429 OPERATION_TIME_LIMIT regardless of the budget
    kReset,      // connection closed before anything is applied
    kLostReply,  // the call is applied, then the connection is closed without a reply
};

struct FaultRule {
    FaultKind kind = FaultKind::kNone;
    unsigned status = 503;  // for kHtml
    double probability = 0;
    std::int64_t next = 0;             // fire on the next N matching calls, then fall back to probability
    std::vector<std::string> methods;  // empty = every REST method
};

/// Run-time fault injection with a seeded RNG, so a failing sweep can be replayed.
/// Config: {"seed":7,"rules":[{"kind":"html"|"429"|"reset"|"lost_reply","status":503,
/// "probability":0.1,"next":2,"methods":["crm.deal.add"]}]}. A new config replaces the old one.
class Faults {
public:
    explicit Faults(std::uint64_t seed) : rng_(seed) {}
    /// Returns an error text when the config is malformed (the old config is then kept).
    std::optional<std::string> Configure(boost::json::value const& config);
    /// First matching rule that fires wins.
    FaultRule Decide(std::string const& method);
    void Clear() { rules_.clear(); }
    boost::json::object Dump() const;

private:
    std::vector<FaultRule> rules_;
    std::mt19937_64 rng_;
};

}  // namespace b2b::emu::bitrix24
