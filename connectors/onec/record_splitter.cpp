#include "connectors/onec/record_splitter.hpp"

#include <algorithm>
#include <array>
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
    validator_.SetPosition(checkpoint.line, checkpoint.column);
    root_seen_ = true;
    root_closed_ = checkpoint.open_elements.empty();
    for (auto const& name : checkpoint.open_elements) {
        Push(name, checkpoint.line, checkpoint.column);
    }
}

std::string_view RecordSplitter::QName(Frame const& f) const {
    return std::string_view(names_).substr(f.name_offset, f.name_length);
}

std::string_view RecordSplitter::LocalName(Frame const& f) const {
    return std::string_view(names_).substr(f.name_offset + f.local_offset, f.name_length - f.local_offset);
}

void RecordSplitter::Push(std::string_view qname, std::uint64_t line, std::uint64_t column, std::uint64_t offset) {
    auto const local = LocalPart(qname);
    stack_.push_back(Frame{static_cast<std::uint32_t>(names_.size()), static_cast<std::uint32_t>(qname.size()),
                           static_cast<std::uint32_t>(qname.size() - local.size()), line, column, offset});
    names_.append(qname);
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
    AdvanceLineColumn(std::string_view(buf_).substr(record_->start, at - record_->start), line, column);
    return {line, column};
}

void RecordSplitter::Pop() {
    names_.resize(stack_.back().name_offset);
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
    std::string_view const span = std::string_view(buf_).substr(count_pos_, pos - count_pos_);
    AdvanceLineColumn(span, line_, column_);
    if (encoding_ == TextEncoding::kUtf8) {
        source_offset_ += span.size();
    } else {
        // windows-1251 input: one source byte per character.
        source_offset_ += CountUtf8Characters(span);
    }
    count_pos_ = pos;
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
    buf_.erase(0, keep_from);
    discarded_ += keep_from;
    pos_ -= keep_from;
    count_pos_ -= keep_from;
    if (record_) {
        record_->start = 0;
    }
}

Status RecordSplitter::Fill() {
    Compact();
    std::size_t want = options_.chunk_size;
    if (!encoding_known_) {
        want = std::max<std::size_t>(want, 1024);  // the XML declaration must fit in the first read
    }
    raw_.resize(want);
    in_.read(raw_.data(), static_cast<std::streamsize>(want));
    auto const got = static_cast<std::size_t>(in_.gcount());
    if (in_.bad()) {
        failed_ = true;
        return Error::Permanent(fmt::format("{}: read error after {} bytes", label_, source_read_));
    }
    if (got < want || in_.eof()) {
        eof_ = true;
    }
    source_read_ += got;
    std::string_view chunk(raw_.data(), got);
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
        if (auto st = validator_.Feed(chunk); !st) {
            failed_ = true;
            return st.error().WithContext(label_);
        }
        if (eof_) {
            if (auto st = validator_.Finish(); !st) {
                failed_ = true;
                return st.error().WithContext(label_);
            }
        }
        buf_.append(chunk);
    } else {
        AppendCp1251AsUtf8(chunk, buf_);
    }
    peak_buffer_ = std::max(peak_buffer_, buf_.size());
    if (record_ && buf_.size() - record_->start > options_.max_record_bytes) {
        // Point at the record's start tag, which the position counter has already passed.
        failed_ = true;
        return Error::Permanent(fmt::format(
            "{}:{}:{}: record <{}> is larger than {} bytes; is an end tag missing? (element path {})", label_,
            record_->line, record_->column, LocalName(stack_[record_->depth - 1]), options_.max_record_bytes,
            record_->path));
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
                          std::string_view(buf_).substr(record_->start, pos_ - record_->start),
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
    std::string_view const name = Trim(std::string_view(buf_).substr(lt + 2, end - lt - 2));
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
    std::string_view const name = std::string_view(buf_).substr(lt + 1, name_end - lt - 1);
    if (name.empty()) {
        return Fatal(lt, "malformed start tag: missing element name");
    }
    bool const self_closing = buf_[end - 1] == '/';
    if (record_) {
        // Inside a record (most tags): the line and column are needed only for an error message,
        // so OpenedAt computes them then instead of counting up to every tag.
        Push(name, 0, 0, discarded_ + lt);
        pos_ = end + 1;
        if (self_closing) {
            Pop();
        }
        return std::optional<SplitEvent>{};
    }
    std::string_view const attributes = std::string_view(buf_).substr(name_end, end - name_end - (self_closing ? 1 : 0));
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
    unterminated_quote = false;
    std::size_t i = lt + 1;
    while (i < buf_.size()) {
        i = FindTagDelimiter(buf_, i);
        if (i >= buf_.size()) {
            break;
        }
        char const c = buf_[i];
        if (c == '"' || c == '\'') {
            auto const close = buf_.find(c, i + 1);
            if (close == std::string::npos) {
                unterminated_quote = true;
                return std::string::npos;
            }
            i = close + 1;
        } else if (c == '>') {
            return i;
        } else {
            return Fatal(lt, "malformed start tag: '<' inside a tag");
        }
    }
    return std::string::npos;
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
        if (pos_ >= buf_.size()) {
            if (eof_) {
                return AtEndOfInput();
            }
            if (auto st = Fill(); !st) {
                return st.error();
            }
            continue;
        }
        std::size_t const lt = buf_.find('<', pos_);
        if (lt == std::string::npos) {
            if (capture_ != Capture::kNone && !eof_) {
                // Keep the text: an entity may be split across chunks.
                if (auto st = Fill(); !st) {
                    return st.error();
                }
                continue;
            }
            if (capture_ != Capture::kNone) {
                AppendXmlUnescaped(std::string_view(buf_).substr(pos_), capture_text_);
            }
            pos_ = buf_.size();
            continue;
        }
        if (capture_ != Capture::kNone && lt > pos_) {
            AppendXmlUnescaped(std::string_view(buf_).substr(pos_, lt - pos_), capture_text_);
        }
        pos_ = lt;
        std::string_view const rest = std::string_view(buf_).substr(lt);
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

        std::size_t end = std::string::npos;
        char const* what = "";
        std::size_t skip = 0;  // length of the closing delimiter
        if (rest.starts_with("<?")) {
            end = buf_.find("?>", lt + 2);
            what = "a processing instruction";
            skip = 2;
        } else if (rest.starts_with("<!--")) {
            end = buf_.find("-->", lt + 4);
            what = "a comment";
            skip = 3;
        } else if (rest.starts_with("<![CDATA[")) {
            end = buf_.find("]]>", lt + 9);
            what = "a CDATA section";
            skip = 3;
            if (end != std::string::npos && capture_ != Capture::kNone) {
                capture_text_.append(std::string_view(buf_).substr(lt + 9, end - lt - 9));
            }
        } else if (rest.starts_with("<!")) {
            if (rest.starts_with("<!DOCTYPE")) {
                return Fatal(lt,
                             "DOCTYPE is refused: CommerceML needs no DTD, and DTD entities could expand without "
                             "bound");
            }
            return Fatal(lt, "malformed markup declaration \"<!\"");
        } else if (rest.starts_with("</")) {
            end = buf_.find('>', lt + 2);
            if (end == std::string::npos) {
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
            if (*tag_end == std::string::npos) {
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
        if (end == std::string::npos) {
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
