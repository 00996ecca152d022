#include "mappings/engine/expression.hpp"

#include "core/domain/decimal_parse.hpp"

namespace b2b::mapping {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// Characters (UTF-8 code points) in s[0..bytes): columns are what an editor shows.
int CodePoints(std::string_view s, std::size_t bytes) {
    int n = 0;
    for (std::size_t i = 0; i < bytes && i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            ++n;
        }
    }
    return n;
}

class Parser {
public:
    Parser(std::string_view text, Pos start) : text_(text), start_(start) {}

    std::variant<Expr, SyntaxError> ParseWhole() {
        Expr e;
        if (!ParseExpr(e)) {
            return *error_;
        }
        SkipSpace();
        if (i_ < text_.size()) {
            return Fail("unexpected \"" + std::string(text_.substr(i_)) + "\" after the expression");
        }
        return e;
    }

    /// Parses up to "}}" (for templates); returns the byte offset after "}}".
    std::variant<Expr, SyntaxError> ParseUntilClose(std::size_t from, std::size_t* end) {
        i_ = from;
        Expr e;
        if (!ParseExpr(e)) {
            return *error_;
        }
        SkipSpace();
        if (text_.substr(i_, 2) != "}}") {
            return Fail(i_ < text_.size() ? "expected \"}}\", found \"" + std::string(text_.substr(i_)) + "\""
                                          : std::string("expected \"}}\" to close \"{{\""));
        }
        *end = i_ + 2;
        return e;
    }

    Pos At(std::size_t offset) const { return Pos{start_.line, start_.column + CodePoints(text_, offset)}; }

private:
    SyntaxError Fail(std::string message) {
        error_ = SyntaxError{At(i_), "syntax error: " + std::move(message)};
        return *error_;
    }
    bool FailB(std::string message) {
        Fail(std::move(message));
        return false;
    }

    void SkipSpace() {
        while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t')) {
            ++i_;
        }
    }

    std::string Found() const {
        if (i_ >= text_.size()) {
            return "the end";
        }
        return "\"" + std::string(text_.substr(i_, 1)) + "\"";
    }

    bool ParseName(std::string& out) {
        if (i_ >= text_.size() || !IsNameStart(text_[i_])) {
            return FailB("expected a name, found " + Found());
        }
        std::size_t const b = i_;
        while (i_ < text_.size() && IsNameChar(text_[i_])) {
            ++i_;
        }
        out = std::string(text_.substr(b, i_ - b));
        return true;
    }

    bool ParseDotted(std::vector<std::string>& out) {
        std::string part;
        if (!ParseName(part)) {
            return false;
        }
        out.push_back(part);
        while (i_ < text_.size() && text_[i_] == '.') {
            ++i_;
            if (!ParseName(part)) {
                return false;
            }
            out.push_back(part);
        }
        return true;
    }

    bool ParseString(std::string& out) {
        ++i_;  // opening quote
        while (i_ < text_.size() && text_[i_] != '"') {
            if (text_[i_] == '\\' && i_ + 1 < text_.size()) {
                ++i_;
            }
            out += text_[i_++];
        }
        if (i_ >= text_.size()) {
            return FailB("unterminated string");
        }
        ++i_;
        return true;
    }

    bool ParseNumber(Decimal& out) {
        std::size_t const b = i_;
        if (text_[i_] == '-') {
            ++i_;
        }
        while (i_ < text_.size() && (IsDigit(text_[i_]) || text_[i_] == '.')) {
            ++i_;
        }
        auto parsed = ParseDecimal(text_.substr(b, i_ - b));
        if (!parsed) {
            std::string const bad(text_.substr(b, i_ - b));
            i_ = b;
            return FailB("invalid number \"" + bad + "\"");
        }
        out = *parsed;
        return true;
    }

    bool ParseArg(Arg& arg) {
        SkipSpace();
        arg.pos = At(i_);
        if (i_ < text_.size() && text_[i_] == '"') {
            arg.kind = Arg::Kind::kText;
            return ParseString(arg.text);
        }
        if (i_ < text_.size() && (IsDigit(text_[i_]) || text_[i_] == '-')) {
            arg.kind = Arg::Kind::kNumber;
            std::size_t const b = i_;
            if (!ParseNumber(arg.number)) {
                return false;
            }
            arg.text = std::string(text_.substr(b, i_ - b));
            return true;
        }
        std::vector<std::string> dotted;
        if (!ParseDotted(dotted)) {
            return false;
        }
        arg.kind = Arg::Kind::kName;
        arg.text = JoinPath(dotted);
        return true;
    }

    bool ParseArgs(std::vector<Arg>& args) {
        ++i_;  // '('
        SkipSpace();
        if (i_ < text_.size() && text_[i_] == ')') {
            ++i_;
            return true;
        }
        while (true) {
            Arg arg;
            if (!ParseArg(arg)) {
                return false;
            }
            args.push_back(std::move(arg));
            SkipSpace();
            if (i_ < text_.size() && text_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < text_.size() && text_[i_] == ')') {
                ++i_;
                return true;
            }
            return FailB("expected \",\" or \")\", found " + Found());
        }
    }

    bool ParseTerm(Term& term) {
        SkipSpace();
        term.pos = At(i_);
        if (i_ >= text_.size()) {
            return FailB("expected a value, found the end");
        }
        if (text_[i_] == '"') {
            term.kind = Term::Kind::kText;
            return ParseString(term.text);
        }
        if (IsDigit(text_[i_]) || text_[i_] == '-') {
            term.kind = Term::Kind::kNumber;
            return ParseNumber(term.number);
        }
        if (!ParseDotted(term.path)) {
            return false;
        }
        if (term.path.size() == 1 && (term.path[0] == "true" || term.path[0] == "false")) {
            term.kind = Term::Kind::kBool;
            term.flag = term.path[0] == "true";
            return true;
        }
        SkipSpace();
        if (i_ < text_.size() && text_[i_] == '(') {
            if (term.path.size() != 1 || term.path[0] != "link") {
                return FailB("only link(entity, system.kind) can start an expression; put \"" + JoinPath(term.path) +
                             "\" after a \"|\"");
            }
            std::vector<Arg> args;
            if (!ParseArgs(args)) {
                return false;
            }
            if (args.size() != 2 || args[0].kind != Arg::Kind::kName || args[1].kind != Arg::Kind::kName) {
                error_ = SyntaxError{term.pos,
                                     "syntax error: link takes an entity and a system.kind, e.g. "
                                     "link(buyer, bitrix24.company)"};
                return false;
            }
            term.kind = Term::Kind::kLink;
            term.path.clear();
            std::string_view entity = args[0].text;
            for (std::size_t dot = 0; (dot = entity.find('.')) != std::string_view::npos;) {
                term.path.emplace_back(entity.substr(0, dot));
                entity.remove_prefix(dot + 1);
            }
            term.path.emplace_back(entity);
            term.text = args[1].text;
            return true;
        }
        term.kind = Term::Kind::kPath;
        return true;
    }

    bool ParseExpr(Expr& e) {
        SkipSpace();
        e.pos = At(i_);
        if (!ParseTerm(e.term)) {
            return false;
        }
        while (true) {
            SkipSpace();
            if (i_ >= text_.size() || text_[i_] != '|') {
                return true;
            }
            ++i_;
            SkipSpace();
            Call call;
            call.pos = At(i_);
            if (!ParseName(call.name)) {
                return false;
            }
            SkipSpace();
            if (i_ < text_.size() && text_[i_] == '(' && !ParseArgs(call.args)) {
                return false;
            }
            e.calls.push_back(std::move(call));
        }
    }

    std::string_view text_;
    Pos start_;
    std::size_t i_ = 0;
    std::optional<SyntaxError> error_;
};

}  // namespace

std::string JoinPath(std::vector<std::string> const& path) {
    std::string out;
    for (auto const& p : path) {
        if (!out.empty()) {
            out += '.';
        }
        out += p;
    }
    return out;
}

std::variant<Expr, SyntaxError> ParseExpression(std::string_view text, Pos start) {
    return Parser(text, start).ParseWhole();
}

std::variant<Template, SyntaxError> ParseTemplate(std::string_view text, Pos start) {
    Template t;
    Parser parser(text, start);
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t const open = text.find("{{", i);
        if (open == std::string_view::npos) {
            t.pieces.push_back(TemplatePiece{std::string(text.substr(i)), std::nullopt});
            break;
        }
        if (open > i) {
            t.pieces.push_back(TemplatePiece{std::string(text.substr(i, open - i)), std::nullopt});
        }
        std::size_t end = 0;
        auto parsed = parser.ParseUntilClose(open + 2, &end);
        if (auto* err = std::get_if<SyntaxError>(&parsed)) {
            return *err;
        }
        t.pieces.push_back(TemplatePiece{{}, std::get<Expr>(std::move(parsed))});
        i = end;
    }
    return t;
}

}  // namespace b2b::mapping
