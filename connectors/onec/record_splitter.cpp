#include "connectors/onec/record_splitter.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <istream>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

namespace b2b::onec {
namespace {

struct RecordRule {
    std::array<std::string_view, 3> path;  // local names below the root; unused tail entries empty
    std::size_t length;
    CmlRecordKind kind;
};

// commerceml.md §3: where each record kind lives, relative to the root element.
constexpr std::array<RecordRule, 13> kRecordRules = {{
    {{"Классификатор", "Группы", "Группа"}, 3, CmlRecordKind::kGroup},
    {{"Классификатор", "Свойства", "Свойство"}, 3, CmlRecordKind::kProperty},
    {{"Классификатор", "ТипыЦен", "ТипЦены"}, 3, CmlRecordKind::kPriceType},
    {{"ПакетПредложений", "ТипыЦен", "ТипЦены"}, 3, CmlRecordKind::kPriceType},
    {{"Классификатор", "Склады", "Склад"}, 3, CmlRecordKind::kWarehouse},
    {{"ПакетПредложений", "Склады", "Склад"}, 3, CmlRecordKind::kWarehouse},
    {{"Классификатор", "ЕдиницыИзмерения", "ЕдиницаИзмерения"}, 3, CmlRecordKind::kUnit},
    {{"Каталог", "Товары", "Товар"}, 3, CmlRecordKind::kProduct},
    {{"ПакетПредложений", "Предложения", "Предложение"}, 3, CmlRecordKind::kOffer},
    // XSD 2.09 root child for price/stock-only updates; same Предложение content.
    {{"ИзмененияПакетаПредложений", "Предложения", "Предложение"}, 3, CmlRecordKind::kOffer},
    {{"Контрагенты", "Контрагент", ""}, 2, CmlRecordKind::kCounterparty},
    {{"Документ", "", ""}, 1, CmlRecordKind::kDocument},
    {{"Контейнер", "Документ", ""}, 2, CmlRecordKind::kDocument},
}};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsTagDelimiter(char c) { return c == '>' || c == '"' || c == '\'' || c == '<'; }

// Position of the first '>', '"', '\'' or '<' at or after `from`, or text.size(). Tags are scanned
// over every byte of the input, so 16 bytes are tested per step where SSE2 is available.
std::size_t FindTagDelimiter(std::string_view text, std::size_t from) {
    std::size_t i = from;
#if defined(__SSE2__)
    __m128i const gt = _mm_set1_epi8('>');
    __m128i const quot = _mm_set1_epi8('"');
    __m128i const apos = _mm_set1_epi8('\'');
    __m128i const lt = _mm_set1_epi8('<');
    for (; i + 16 <= text.size(); i += 16) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const*>(text.data() + i));
        __m128i const hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, apos), _mm_cmpeq_epi8(v, lt)));
        if (int const mask = _mm_movemask_epi8(hit); mask != 0) {
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        }
    }
#endif
    while (i < text.size() && !IsTagDelimiter(text[i])) {
        ++i;
    }
    return i;
}

enum class TagEnd { kFound, kIncomplete, kUnterminatedQuote, kLessThan };

// Finds the '>' that closes a start tag, from `from` (inside the tag), skipping quoted attribute
// values; `at` receives its position, or that of a '<' inside the tag.
TagEnd ScanTagEnd(std::string_view text, std::size_t from, std::size_t& at) {
    for (std::size_t i = from;;) {
        i = FindTagDelimiter(text, i);
        if (i >= text.size()) {
            return TagEnd::kIncomplete;
        }
        char const c = text[i];
        if (c == '>' || c == '<') {
            at = i;
            return c == '>' ? TagEnd::kFound : TagEnd::kLessThan;
        }
        auto const close = text.find(c, i + 1);
        if (close == std::string_view::npos) {
            return TagEnd::kUnterminatedQuote;
        }
        i = close + 1;
    }
}

// memcmp(a, b, n) == 0, inline for the short lengths of element names.
bool SameBytes(char const* a, char const* b, std::size_t n) {
    std::size_t i = 0;
#if defined(__SSE2__)
    auto same16 = [&](std::size_t k) {
        __m128i const x = _mm_loadu_si128(reinterpret_cast<__m128i const*>(a + k));
        __m128i const y = _mm_loadu_si128(reinterpret_cast<__m128i const*>(b + k));
        return _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) == 0xFFFF;
    };
    for (; i + 16 <= n; i += 16) {
        if (!same16(i)) {
            return false;
        }
    }
    if (i != n && n >= 16) {
        return same16(n - 16);  // the last 16 bytes, overlapping those already compared
    }
#endif
    // Shorter rests: two overlapping words, as memcmp would, without the call.
    auto same = [&]<class Word>(Word) {
        Word x[2];
        Word y[2];
        std::memcpy(&x[0], a + i, sizeof(Word));
        std::memcpy(&x[1], a + n - sizeof(Word), sizeof(Word));
        std::memcpy(&y[0], b + i, sizeof(Word));
        std::memcpy(&y[1], b + n - sizeof(Word), sizeof(Word));
        return x[0] == y[0] && x[1] == y[1];
    };
    std::size_t const rest = n - i;
    if (rest >= 8) {
        return same(std::uint64_t{});
    }
    if (rest >= 4) {
        return same(std::uint32_t{});
    }
    return std::memcmp(a + i, b + i, rest) == 0;
}

// Bytes that end an element name in a tag: whitespace, quotes, '/', '<' and '>'. All are below '?'.
constexpr std::uint64_t kNameEnds = (1ULL << '\t') | (1ULL << '\n') | (1ULL << '\r') | (1ULL << ' ') | (1ULL << '"') |
                                    (1ULL << '\'') | (1ULL << '/') | (1ULL << '<') | (1ULL << '>');

bool IsNameEnd(char c) {
    auto const b = static_cast<unsigned char>(c);
    return b < 64 && ((kNameEnds >> b) & 1) != 0;
}

// Position of the first '<' at or after `from`, or text.size(). Inline because the distance is short
// (the next tag is a few dozen bytes away), where a library call costs more than the scan.
std::size_t FindLessThan(std::string_view text, std::size_t from) {
    std::size_t i = from;
#if defined(__SSE2__)
    __m128i const lt = _mm_set1_epi8('<');
    for (; i + 16 <= text.size(); i += 16) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const*>(text.data() + i));
        if (int const mask = _mm_movemask_epi8(_mm_cmpeq_epi8(v, lt)); mask != 0) {
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        }
    }
#endif
    while (i < text.size() && text[i] != '<') {
        ++i;
    }
    return i;
}

// Position of the first name-ending byte at or after `from`, or text.size(). SSE2 finds the ASCII
// bytes below '?', which include all name ends; the few others (digits, ':', '-', '.') are
// skipped one by one.
std::size_t FindNameEnd(std::string_view text, std::size_t from) {
    std::size_t i = from;
#if defined(__SSE2__)
    __m128i const question = _mm_set1_epi8('?');
    for (; i + 16 <= text.size(); i += 16) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const*>(text.data() + i));
        // cmplt is signed, so bytes >= 0x80 are below '?' too: their sign bits take them out.
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(v, question)) & ~_mm_movemask_epi8(v));
        for (; mask != 0; mask &= mask - 1) {
            std::size_t const at = i + static_cast<std::size_t>(__builtin_ctz(mask));
            if (IsNameEnd(text[at])) {
                return at;
            }
        }
    }
#endif
    while (i < text.size() && !IsNameEnd(text[i])) {
        ++i;
    }
    return i;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && IsSpace(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && IsSpace(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string_view LocalPart(std::string_view qname) {
    auto colon = qname.find(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::optional<bool> ParseBoolText(std::string_view text) {
    text = Trim(text);
    if (text == "true" || text == "1" || text == "TRUE" || text == "True") {
        return true;
    }
    if (text == "false" || text == "0" || text == "FALSE" || text == "False") {
        return false;
    }
    return std::nullopt;
}

void AppendCodePoint(std::uint32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace

char const* ToString(CmlRecordKind kind) noexcept {
    switch (kind) {
        case CmlRecordKind::kGroup:
            return "group";
        case CmlRecordKind::kProperty:
            return "property";
        case CmlRecordKind::kPriceType:
            return "price type";
        case CmlRecordKind::kWarehouse:
            return "warehouse";
        case CmlRecordKind::kUnit:
            return "unit";
        case CmlRecordKind::kProduct:
            return "product";
        case CmlRecordKind::kOffer:
            return "offer";
        case CmlRecordKind::kCounterparty:
            return "counterparty";
        case CmlRecordKind::kDocument:
            return "document";
    }
    return "unknown";
}

void AppendXmlUnescaped(std::string_view text, std::string& out) {
    for (std::size_t i = 0; i < text.size();) {
        auto amp = text.find('&', i);
        if (amp == std::string_view::npos) {
            out.append(text.substr(i));
            return;
        }
        out.append(text.substr(i, amp - i));
        auto semi = text.find(';', amp);
        if (semi == std::string_view::npos || semi - amp > 10) {
            out.push_back('&');
            i = amp + 1;
            continue;
        }
        std::string_view entity = text.substr(amp + 1, semi - amp - 1);
        if (entity == "lt") {
            out.push_back('<');
        } else if (entity == "gt") {
            out.push_back('>');
        } else if (entity == "amp") {
            out.push_back('&');
        } else if (entity == "quot") {
            out.push_back('"');
        } else if (entity == "apos") {
            out.push_back('\'');
        } else if (entity.size() > 1 && entity[0] == '#') {
            bool const hex = entity[1] == 'x' || entity[1] == 'X';
            std::uint32_t cp = 0;
            bool ok = entity.size() > (hex ? 2u : 1u);
            for (std::size_t k = hex ? 2 : 1; k < entity.size() && ok; ++k) {
                char const c = entity[k];
                int digit = -1;
                if (c >= '0' && c <= '9') {
                    digit = c - '0';
                } else if (hex && c >= 'a' && c <= 'f') {
                    digit = c - 'a' + 10;
                } else if (hex && c >= 'A' && c <= 'F') {
                    digit = c - 'A' + 10;
                }
                ok = digit >= 0 && cp < 0x110000;
                cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
            }
            if (ok && cp < 0x110000) {
                AppendCodePoint(cp, out);
            } else {
                out.append(text.substr(amp, semi - amp + 1));
            }
        } else {
            out.append(text.substr(amp, semi - amp + 1));
        }
        i = semi + 1;
    }
}

RecordSplitter::RecordSplitter(std::istream& in, std::string file_label, SplitterOptions options)
    : in_(in), label_(std::move(file_label)), options_(options) {
    options_.chunk_size = std::max<std::size_t>(options_.chunk_size, 16);
}

RecordSplitter::RecordSplitter(std::istream& in, std::string file_label, SplitterOptions options,
                               SplitterCheckpoint checkpoint)
    : RecordSplitter(in, std::move(file_label), options) {
    encoding_known_ = true;
    encoding_ = checkpoint.encoding;
    line_ = checkpoint.line;
    column_ = checkpoint.column;
    source_offset_ = checkpoint.source_offset;
    source_read_ = checkpoint.source_offset;
    records_ = checkpoint.records;
    root_seen_ = true;
    root_closed_ = checkpoint.open_elements.empty();
    for (auto const& name : checkpoint.open_elements) {
        Push(name, checkpoint.line, checkpoint.column);
    }
}

std::string_view RecordSplitter::QName(Frame const& f) const {
    if (f.line == 0) {
        return Text().substr(static_cast<std::size_t>(f.offset - discarded_) + 1, f.name_length);
    }
    return std::string_view(names_).substr(f.name_offset, f.name_length);
}

std::string_view RecordSplitter::LocalName(Frame const& f) const { return LocalPart(QName(f)); }

void RecordSplitter::Push(std::string_view qname, std::uint64_t line, std::uint64_t column) {
    stack_.push_back(Frame{0, static_cast<std::uint32_t>(names_.size()), static_cast<std::uint32_t>(qname.size()),
                           false, line, column});
    names_.append(qname);
}

void RecordSplitter::PushInRecord(std::size_t lt, std::size_t name_length, bool name_has_gt) {
    stack_.push_back(Frame{discarded_ + lt, 0, static_cast<std::uint32_t>(name_length), name_has_gt, 0, 0});
}

std::pair<std::uint64_t, std::uint64_t> RecordSplitter::OpenedAt(Frame const& f) const {
    if (f.line != 0 || !record_) {
        return {f.line, f.column};
    }
    // A frame inside the open record: its start tag is still in buf_, after the record's own '<'
    // whose position is known.
    std::uint64_t line = record_->line;
    std::uint64_t column = record_->column;
    auto const at = static_cast<std::size_t>(f.offset - discarded_);
    AdvanceLineColumn(Text().substr(record_->start, at - record_->start), line, column);
    return {line, column};
}

void RecordSplitter::Pop() {
    if (stack_.back().line != 0) {
        names_.resize(stack_.back().name_offset);
    }
    stack_.pop_back();
}

std::string RecordSplitter::PathString() const {
    std::string path;
    for (auto const& f : stack_) {
        if (!path.empty()) {
            path.push_back('/');
        }
        path.append(LocalName(f));
    }
    return path;
}

std::optional<CmlRecordKind> RecordSplitter::MatchRecord() const {
    std::size_t const depth = stack_.size() - 1;
    for (auto const& rule : kRecordRules) {
        if (rule.length != depth) {
            continue;
        }
        bool match = true;
        for (std::size_t i = 0; i < depth && match; ++i) {
            match = LocalName(stack_[i + 1]) == rule.path[i];
        }
        if (match) {
            return rule.kind;
        }
    }
    return std::nullopt;
}

std::optional<CmlSectionKind> RecordSplitter::MatchSection() const {
    if (stack_.size() != 2) {
        return std::nullopt;
    }
    auto const name = LocalName(stack_[1]);
    if (name == "Классификатор") {
        return CmlSectionKind::kClassifier;
    }
    if (name == "Каталог") {
        return CmlSectionKind::kCatalog;
    }
    if (name == "ПакетПредложений" || name == "ИзмененияПакетаПредложений") {
        return CmlSectionKind::kOfferPackage;
    }
    if (name == "Контрагенты") {
        return CmlSectionKind::kCounterparties;
    }
    return std::nullopt;
}

void RecordSplitter::CountTo(std::size_t pos) {
    if (pos <= count_pos_) {
        return;
    }
    // Bulk counts instead of a byte loop: this runs over every byte of the input.
    std::string_view const span = Text().substr(count_pos_, pos - count_pos_);
    AdvanceLineColumn(span, line_, column_);
    if (encoding_ == TextEncoding::kUtf8) {
        source_offset_ += span.size();
    } else {
        // windows-1251 input: one source byte per character.
        source_offset_ += CountUtf8Characters(span);
    }
    count_pos_ = pos;
}

std::pair<std::uint64_t, std::uint64_t> RecordSplitter::LineColumnAt(std::size_t pos) const {
    std::uint64_t line = line_;
    std::uint64_t column = column_;
    AdvanceLineColumn(Text().substr(count_pos_, pos - count_pos_), line, column);
    return {line, column};
}

Error RecordSplitter::Fatal(std::size_t at, std::string const& what) {
    CountTo(at);
    failed_ = true;
    std::string path = PathString();
    return Error::Permanent(fmt::format("{}:{}:{}: {} (element path {})", label_, line_, column_, what,
                                        path.empty() ? "(document)" : path));
}

void RecordSplitter::Compact() {
    std::size_t const keep_from = record_ ? record_->start : pos_;
    if (keep_from == 0) {
        return;
    }
    CountTo(keep_from);
    std::memmove(buf_.data(), buf_.data() + keep_from, end_ - keep_from);
    end_ -= keep_from;
    discarded_ += keep_from;
    pos_ -= keep_from;
    count_pos_ -= keep_from;
    if (record_) {
        record_->start = 0;
    }
}

char* RecordSplitter::Reserve(std::size_t bytes) {
    if (buf_.size() < end_ + bytes) {
        buf_.resize(end_ + bytes);
    }
    return buf_.data() + end_;
}

Status RecordSplitter::Fill() {
    Compact();
    std::size_t want = options_.chunk_size;
    if (!encoding_known_) {
        want = std::max<std::size_t>(want, 1024);  // the XML declaration must fit in the first read
    }
    // UTF-8 is read straight into place, saving a copy of every byte; the first chunk (encoding
    // still unknown) and windows-1251 go through raw_.
    char* dest = nullptr;
    if (encoding_known_ && encoding_ == TextEncoding::kUtf8) {
        dest = Reserve(want);
    } else {
        raw_.resize(want);
        dest = raw_.data();
    }
    in_.read(dest, static_cast<std::streamsize>(want));
    auto const got = static_cast<std::size_t>(in_.gcount());
    if (in_.bad()) {
        failed_ = true;
        return Error::Permanent(fmt::format("{}: read error after {} bytes", label_, source_read_));
    }
    if (got < want || in_.eof()) {
        eof_ = true;
    }
    source_read_ += got;
    std::string_view chunk(dest, got);
    if (!encoding_known_) {
        auto detected = DetectEncoding(chunk);
        if (!detected) {
            failed_ = true;
            return detected.error().WithContext(label_);
        }
        encoding_known_ = true;
        encoding_ = detected->encoding;
        chunk.remove_prefix(detected->bom_length);
        source_offset_ = detected->bom_length;
    }
    if (encoding_ == TextEncoding::kUtf8) {
        if (auto st = AppendUtf8(chunk); !st) {
            failed_ = true;
            return st.error().WithContext(label_);
        }
    } else {
        buf_.resize(end_);
        AppendCp1251AsUtf8(chunk, buf_);
        end_ = buf_.size();
    }
    peak_buffer_ = std::max(peak_buffer_, end_);
    if (record_ && end_ - record_->start > options_.max_record_bytes) {
        // Point at the record's start tag, which the position counter has already passed.
        failed_ = true;
        return Error::Permanent(fmt::format(
            "{}:{}:{}: record <{}> is larger than {} bytes; is an end tag missing? (element path {})", label_,
            record_->line, record_->column, LocalName(stack_[record_->depth - 1]), options_.max_record_bytes,
            record_->path));
    }
    return {};
}

Status RecordSplitter::AppendUtf8(std::string_view chunk) {
    // The validator does not count lines here (CountTo does, once, for the text kept); to report an
    // error it is started at the position of the chunk and fed it again.
    if (!validator_.Validate(chunk)) {
        auto const [line, column] = LineColumnAt(end_);
        validator_.SetPosition(line, column);
        return validator_.Feed(chunk);
    }
    if (chunk.data() != buf_.data() + end_) {
        std::memcpy(Reserve(chunk.size()), chunk.data(), chunk.size());
    }
    end_ += chunk.size();
    if (eof_ && !validator_.AtCharacterBoundary()) {
        auto const [line, column] = LineColumnAt(end_);
        validator_.SetPosition(line, column);
        return validator_.Finish();
    }
    return {};
}

void RecordSplitter::ReadHeaderAttributes(std::string_view tag, CmlHeader& header) {
    std::size_t i = 0;
    while (i < tag.size()) {
        while (i < tag.size() && (IsSpace(tag[i]) || tag[i] == '/')) {
            ++i;
        }
        std::size_t const name_start = i;
        while (i < tag.size() && !IsSpace(tag[i]) && tag[i] != '=') {
            ++i;
        }
        std::string_view const name = tag.substr(name_start, i - name_start);
        while (i < tag.size() && IsSpace(tag[i])) {
            ++i;
        }
        if (i >= tag.size() || tag[i] != '=') {
            return;
        }
        ++i;
        while (i < tag.size() && IsSpace(tag[i])) {
            ++i;
        }
        if (i >= tag.size() || (tag[i] != '"' && tag[i] != '\'')) {
            return;
        }
        char const quote = tag[i++];
        auto const close = tag.find(quote, i);
        if (close == std::string_view::npos) {
            return;
        }
        std::string value;
        AppendXmlUnescaped(tag.substr(i, close - i), value);
        i = close + 1;
        auto const local = LocalPart(name);
        if (local == "ВерсияСхемы") {
            header.schema_version = std::string(Trim(value));
        } else if (local == "ДатаФормирования") {
            header.generated_at = std::string(Trim(value));
        } else if (local == "СодержитТолькоИзменения") {
            header.only_changes = ParseBoolText(value);
        } else if (local == "Ид") {
            header.id = std::string(Trim(value));
        }
    }
}

void RecordSplitter::StoreCapture() {
    std::string value(Trim(capture_text_));
    switch (capture_) {
        case Capture::kId:
            section_->id = std::move(value);
            break;
        case Capture::kCatalogId:
            section_->catalog_id = std::move(value);
            break;
        case Capture::kClassifierId:
            section_->classifier_id = std::move(value);
            break;
        case Capture::kName:
            section_->name = std::move(value);
            break;
        case Capture::kOnlyChanges:
            section_->only_changes = ParseBoolText(value);
            break;
        case Capture::kNone:
            break;
    }
    capture_ = Capture::kNone;
    capture_text_.clear();
}

SplitterCheckpoint RecordSplitter::Checkpoint() {
    CountTo(pos_);
    SplitterCheckpoint cp;
    cp.source_offset = source_offset_;
    cp.line = line_;
    cp.column = column_;
    cp.records = records_;
    cp.encoding = encoding_;
    for (auto const& f : stack_) {
        cp.open_elements.emplace_back(QName(f));
    }
    return cp;
}

SplitEvent RecordSplitter::TakeRecord() {
    CountTo(pos_);
    SplitEvent ev;
    ev.type = SplitEventType::kRecord;
    ev.record = RawRecord{record_->kind,
                          Text().substr(record_->start, pos_ - record_->start),
                          record_->line,
                          record_->column,
                          std::move(record_->path),
                          record_->source_offset,
                          source_offset_};
    record_.reset();
    ++records_;
    return ev;
}

SplitEvent RecordSplitter::HeaderEvent(CmlHeader header) {
    SplitEvent ev;
    ev.type = SplitEventType::kHeader;
    ev.header = std::move(header);
    return ev;
}

Result<std::optional<SplitEvent>> RecordSplitter::OnEndTag(std::size_t lt, std::size_t end) {
    std::string_view const name = Trim(Text().substr(lt + 2, end - lt - 2));
    if (stack_.empty()) {
        return Fatal(lt, fmt::format("unexpected end tag </{}> outside the root element", name));
    }
    Frame const top = stack_.back();
    if (QName(top) != name) {
        auto const [line, column] = OpenedAt(top);
        return Fatal(lt, fmt::format("mismatched end tag </{}>, expected </{}> (opened at {}:{})", name, QName(top),
                                     line, column));
    }
    if (capture_ != Capture::kNone && stack_.size() == capture_depth_) {
        StoreCapture();
    }
    bool const closes_record = record_ && stack_.size() == record_->depth;
    bool const closes_section = !record_ && section_ && stack_.size() == 2;
    Pop();
    pos_ = end + 1;
    if (closes_record) {
        return std::optional<SplitEvent>{TakeRecord()};
    }
    if (stack_.empty()) {
        root_closed_ = true;
        return std::optional<SplitEvent>{};
    }
    if (closes_section) {
        // A section without records announces itself when it ends.
        bool const emit = !section_emitted_;
        CmlHeader header = std::move(*section_);
        section_.reset();
        section_emitted_ = true;
        if (emit) {
            return std::optional<SplitEvent>{HeaderEvent(std::move(header))};
        }
    }
    return std::optional<SplitEvent>{};
}

Result<std::optional<SplitEvent>> RecordSplitter::OnStartTag(std::size_t lt, std::size_t end) {
    std::size_t name_end = lt + 1;
    while (name_end < end && !IsSpace(buf_[name_end]) && buf_[name_end] != '/') {
        ++name_end;
    }
    std::string_view const name = Text().substr(lt + 1, name_end - lt - 1);
    if (name.empty()) {
        return Fatal(lt, "malformed start tag: missing element name");
    }
    bool const self_closing = buf_[end - 1] == '/';
    if (record_) {
        // Inside a record (most tags): the line and column are needed only for an error message,
        // so OpenedAt computes them then instead of counting up to every tag.
        // Only a name with a quote in it can hold a '>'.
        PushInRecord(lt, name.size(), name.find('>') != std::string_view::npos);
        pos_ = end + 1;
        if (self_closing) {
            Pop();
        }
        return std::optional<SplitEvent>{};
    }
    std::string_view const attributes = Text().substr(name_end, end - name_end - (self_closing ? 1 : 0));
    CountTo(lt);
    std::uint64_t const line = line_;
    std::uint64_t const column = column_;

    if (stack_.empty()) {
        if (root_closed_) {
            return Fatal(lt, fmt::format("a second root element <{}>", name));
        }
        Push(name, line, column);
        root_seen_ = true;
        root_header_ = CmlHeader{};
        root_header_.section = CmlSectionKind::kRoot;
        root_header_.element_path = PathString();
        root_header_.line = line;
        root_header_.column = column;
        ReadHeaderAttributes(attributes, root_header_);
        pos_ = end + 1;
        if (self_closing) {
            Pop();
            root_closed_ = true;
        }
        return std::optional<SplitEvent>{HeaderEvent(root_header_)};
    }
    Push(name, line, column);
    if (auto kind = MatchRecord()) {
        if (section_ && !section_emitted_) {
            // Announce the section first; the record's start tag is read again on the next call,
            // so a checkpoint taken now is still between records.
            Pop();
            section_emitted_ = true;
            return std::optional<SplitEvent>{HeaderEvent(*section_)};
        }
        record_ = OpenRecord{lt, stack_.size(), *kind, line, column, source_offset_, PathString()};
        pos_ = end + 1;
        if (self_closing) {
            Pop();
            return std::optional<SplitEvent>{TakeRecord()};
        }
        return std::optional<SplitEvent>{};
    }
    pos_ = end + 1;
    if (auto section = MatchSection()) {
        section_ = root_header_;
        section_->section = *section;
        section_->element_path = PathString();
        section_->line = line;
        section_->column = column;
        section_->id.clear();
        section_->only_changes.reset();
        section_emitted_ = false;
        ReadHeaderAttributes(attributes, *section_);
        if (self_closing) {
            Pop();
            section_emitted_ = true;
            CmlHeader header = std::move(*section_);
            section_.reset();
            return std::optional<SplitEvent>{HeaderEvent(std::move(header))};
        }
        return std::optional<SplitEvent>{};
    }
    if (section_ && !section_emitted_ && stack_.size() == 3) {
        StartCapture(self_closing);
    }
    if (self_closing) {
        Pop();
    }
    return std::optional<SplitEvent>{};
}

void RecordSplitter::StartCapture(bool self_closing) {
    auto const local = LocalName(stack_.back());
    Capture what = Capture::kNone;
    if (local == "Ид") {
        what = Capture::kId;
    } else if (local == "ИдКаталога") {
        what = Capture::kCatalogId;
    } else if (local == "ИдКлассификатора") {
        what = Capture::kClassifierId;
    } else if (local == "Наименование") {
        what = Capture::kName;
    } else if (local == "СодержитТолькоИзменения") {
        what = Capture::kOnlyChanges;
    }
    if (what == Capture::kNone) {
        return;
    }
    capture_ = what;
    capture_depth_ = 3;
    capture_text_.clear();
    if (self_closing) {
        StoreCapture();
    }
}

Result<std::size_t> RecordSplitter::FindTagEnd(std::size_t lt, bool& unterminated_quote) {
    std::size_t at = 0;
    TagEnd const found = ScanTagEnd(Text(), lt + 1, at);
    unterminated_quote = found == TagEnd::kUnterminatedQuote;
    if (found == TagEnd::kLessThan) {
        return Fatal(lt, "malformed start tag: '<' inside a tag");
    }
    return found == TagEnd::kFound ? at : std::string_view::npos;
}

// The inner loop for the bulk of the input: start tags, end tags and empty elements inside a record,
// which need only the element stack. It stops, leaving pos_ at the '<', at anything else for the
// general tokenizer in Next(): the record's own end tag, comments, CDATA, PIs, anything unusual or
// wrong (errors are reported there), and markup near the end of the buffer (where Next() reads
// more first).
void RecordSplitter::SkipRecordBody() {
    std::string_view const text = Text();
    char const* const data = text.data();
    std::size_t const record_depth = record_->depth;
    // Next() reads more before it looks at markup in the last 8 bytes; so does this loop.
    std::size_t const last_lt = eof_ ? text.size() : text.size() - std::min<std::size_t>(text.size(), 8);
    std::size_t pos = pos_;
    for (;;) {
        std::size_t const lt = FindLessThan(text, pos);
        pos = lt;
        if (lt >= last_lt || lt + 2 >= text.size()) {
            break;
        }
        char const kind = data[lt + 1];
        if (kind == '/') {
            // `</Name>` for the innermost element, compared in place: for a name without '>', this
            // is what finding the '>' and trimming would give.
            Frame const& top = stack_.back();
            std::size_t const gt = lt + 2 + top.name_length;
            if (stack_.size() == record_depth || top.name_has_gt || gt >= text.size() || data[gt] != '>' ||
                !SameBytes(data + lt + 2, data + (top.offset - discarded_) + 1, top.name_length)) {
                break;
            }
            stack_.pop_back();
            pos = gt + 1;
            continue;
        }
        if (kind == '!' || kind == '?') {
            break;
        }
        // A start tag: the name ends at whitespace, '/' or '>' (anything else is left to Next()).
        std::size_t const name_end = FindNameEnd(text, lt + 1);
        if (name_end == lt + 1 || name_end >= text.size()) {
            break;
        }
        std::size_t tag_end = name_end;
        if (char const c = data[name_end]; c != '>') {
            if ((c != '/' && !IsSpace(c)) || ScanTagEnd(text, name_end, tag_end) != TagEnd::kFound) {
                break;
            }
        }
        if (data[tag_end - 1] != '/') {
            PushInRecord(lt, name_end - lt - 1, false);
        }
        pos = tag_end + 1;
    }
    pos_ = pos;
}

Result<SplitEvent> RecordSplitter::AtEndOfInput() {
    if (!root_seen_) {
        return Fatal(pos_, "no root element: the input is empty or not XML");
    }
    if (!stack_.empty()) {
        auto const& open = stack_.back();
        auto const [line, column] = OpenedAt(open);
        return Fatal(
            pos_, fmt::format("unexpected end of file: <{}> opened at {}:{} is not closed", QName(open), line, column));
    }
    return SplitEvent{SplitEventType::kEnd, {}, {}};
}

Result<SplitEvent> RecordSplitter::Next() {
    if (failed_) {
        return Error::Permanent(fmt::format("{}: reading stopped after an earlier error", label_));
    }
    // Each pass handles one token or refills the buffer; markup cut by a chunk boundary is re-read
    // from its '<' after the refill.
    for (;;) {
        if (record_ && capture_ == Capture::kNone) {
            SkipRecordBody();
        }
        if (pos_ >= end_) {
            if (eof_) {
                return AtEndOfInput();
            }
            if (auto st = Fill(); !st) {
                return st.error();
            }
            continue;
        }
        std::size_t const lt = Text().find('<', pos_);
        if (lt == std::string_view::npos) {
            if (capture_ != Capture::kNone && !eof_) {
                // Keep the text: an entity may be split across chunks.
                if (auto st = Fill(); !st) {
                    return st.error();
                }
                continue;
            }
            if (capture_ != Capture::kNone) {
                AppendXmlUnescaped(Text().substr(pos_), capture_text_);
            }
            pos_ = end_;
            continue;
        }
        if (capture_ != Capture::kNone && lt > pos_) {
            AppendXmlUnescaped(Text().substr(pos_, lt - pos_), capture_text_);
        }
        pos_ = lt;
        std::string_view const rest = Text().substr(lt);
        if (rest.size() < 9 && !eof_) {
            if (auto st = Fill(); !st) {
                return st.error();
            }
            continue;
        }
        // Markup not complete in the buffer: an error at end of input, otherwise read more.
        auto incomplete = [&](char const* what) -> std::optional<Error> {
            if (eof_) {
                return Fatal(lt, fmt::format("unexpected end of file inside {}", what));
            }
            if (auto st = Fill(); !st) {
                return st.error();
            }
            return std::nullopt;
        };

        std::size_t end = std::string_view::npos;
        char const* what = "";
        std::size_t skip = 0;  // length of the closing delimiter
        if (rest.starts_with("<?")) {
            end = Text().find("?>", lt + 2);
            what = "a processing instruction";
            skip = 2;
        } else if (rest.starts_with("<!--")) {
            end = Text().find("-->", lt + 4);
            what = "a comment";
            skip = 3;
        } else if (rest.starts_with("<![CDATA[")) {
            end = Text().find("]]>", lt + 9);
            what = "a CDATA section";
            skip = 3;
            if (end != std::string_view::npos && capture_ != Capture::kNone) {
                capture_text_.append(Text().substr(lt + 9, end - lt - 9));
            }
        } else if (rest.starts_with("<!")) {
            if (rest.starts_with("<!DOCTYPE")) {
                return Fatal(lt,
                             "DOCTYPE is refused: CommerceML needs no DTD, and DTD entities could expand without "
                             "bound");
            }
            return Fatal(lt, "malformed markup declaration \"<!\"");
        } else if (rest.starts_with("</")) {
            end = Text().find('>', lt + 2);
            if (end == std::string_view::npos) {
                if (auto e = incomplete("an end tag")) {
                    return *e;
                }
                continue;
            }
            auto ev = OnEndTag(lt, end);
            if (!ev) {
                return ev.error();
            }
            if (*ev) {
                return std::move(**ev);
            }
            continue;
        } else {
            bool unterminated_quote = false;
            auto tag_end = FindTagEnd(lt, unterminated_quote);
            if (!tag_end) {
                return tag_end.error();
            }
            if (*tag_end == std::string_view::npos) {
                if (auto e = incomplete(unterminated_quote ? "an attribute value" : "a start tag")) {
                    return *e;
                }
                continue;
            }
            auto ev = OnStartTag(lt, *tag_end);
            if (!ev) {
                return ev.error();
            }
            if (*ev) {
                return std::move(**ev);
            }
            continue;
        }
        // Processing instruction, comment or CDATA.
        if (end == std::string_view::npos) {
            if (auto e = incomplete(what)) {
                return *e;
            }
            continue;
        }
        pos_ = end + skip;
    }
}

Status SplitRecords(std::istream& in, std::string file_label, SplitterOptions options,
                    std::function<Status(RawRecord const&)> const& on_record,
                    std::function<Status(CmlHeader const&)> const& on_header) {
    RecordSplitter splitter(in, std::move(file_label), options);
    for (;;) {
        auto ev = splitter.Next();
        if (!ev) {
            return ev.error();
        }
        switch (ev->type) {
            case SplitEventType::kEnd:
                return {};
            case SplitEventType::kHeader:
                if (on_header) {
                    if (auto st = on_header(ev->header); !st) {
                        return st;
                    }
                }
                break;
            case SplitEventType::kRecord:
                if (auto st = on_record(ev->record); !st) {
                    return st;
                }
                break;
        }
    }
}

}  // namespace b2b::onec
