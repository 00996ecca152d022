#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/encoding.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

/// One record element, cut out of the document as self-contained UTF-8 XML text.
struct RawRecord {
    CmlRecordKind kind = CmlRecordKind::kProduct;
    /// From '<' of the start tag to '>' of the end tag. Points into the splitter's buffer: valid
    /// until the next call to RecordSplitter::Next(). Namespace prefixes are kept as written.
    std::string_view xml;
    std::uint64_t line = 0;    ///< 1-based line of the start tag's '<' in the input
    std::uint64_t column = 0;  ///< 1-based column (in characters) of that '<'
    std::string path;          ///< local names from the root: "КоммерческаяИнформация/Каталог/Товары/Товар"
    std::uint64_t source_offset = 0;      ///< byte offset of '<' in the original input (incl. BOM)
    std::uint64_t end_source_offset = 0;  ///< byte offset just past the record in the original input
};

/// Where a splitter can be restarted: a position between records plus the elements open there.
struct SplitterCheckpoint {
    std::uint64_t source_offset = 0;  ///< byte offset in the original input to seek to
    std::uint64_t line = 1;
    std::uint64_t column = 1;
    std::uint64_t records = 0;        ///< records handed out before this point
    TextEncoding encoding = TextEncoding::kUtf8;
    std::vector<std::string> open_elements;  ///< qualified names, root first
};

struct SplitterOptions {
    std::size_t chunk_size = 256 * 1024;  ///< bytes read from the input per refill
    /// A single record larger than this is a fatal error (protects memory against a missing end tag
    /// in a huge file; the largest real record we know is a few hundred KiB).
    std::size_t max_record_bytes = 64 * 1024 * 1024;
};

enum class SplitEventType { kHeader, kRecord, kEnd };

struct SplitEvent {
    SplitEventType type = SplitEventType::kEnd;
    CmlHeader header;  ///< valid for kHeader
    RawRecord record;  ///< valid for kRecord
};

/// Streaming CommerceML splitter (commerceml.md §6 quirks 14–15). Reads the input in fixed-size
/// chunks, converts it to UTF-8 (BOM / XML declaration / default UTF-8), tracks element nesting
/// with a small tokenizer (tags, quoted attributes, comments, CDATA, PIs) and hands out record
/// elements and header facts. Elements are matched on local names: prefixes and xmlns are ignored.
/// Memory is bounded by one chunk plus the largest record. DOCTYPE is refused (no DTD, no entity
/// expansion). Not thread-safe; one instance per input.
///
/// Fatal errors (Permanent) read `<file>:<line>:<col>: <what> (element path <a/b/c>)`: mismatched
/// or unexpected end tag, unclosed element or unterminated markup at end of input, DOCTYPE, a
/// malformed tag, no root element, a record over max_record_bytes, encoding errors, read errors.
/// After an error the splitter stays failed.
class RecordSplitter {
public:
    RecordSplitter(std::istream& in, std::string file_label, SplitterOptions options = {});
    /// Resumes at `checkpoint`; `in` must already be positioned at checkpoint.source_offset. Header
    /// events of the root and of the sections open at the checkpoint are not repeated.
    RecordSplitter(std::istream& in, std::string file_label, SplitterOptions options, SplitterCheckpoint checkpoint);

    /// The next header, record or end of document.
    Result<SplitEvent> Next();

    /// The position after the last event returned: always between records, so safe to resume from.
    SplitterCheckpoint Checkpoint();

    /// Largest size the internal UTF-8 buffer reached (bytes): the bounded-memory guarantee.
    std::size_t PeakBufferBytes() const noexcept { return peak_buffer_; }
    /// Bytes read from the input so far (for progress reporting).
    std::uint64_t SourceBytesRead() const noexcept { return source_read_; }
    std::uint64_t RecordsEmitted() const noexcept { return records_; }

private:
    /// An open element. Frames inside a record (line 0) keep no copy of their name: it follows the
    /// '<' at `offset`, in the record text that stays in buf_ while the record is open.
    struct Frame {
        std::uint64_t offset;       ///< of the '<' in the UTF-8 text since the start (counting discarded bytes)
        std::uint32_t name_offset;  ///< into names_; unused inside a record
        std::uint32_t name_length;
        bool name_has_gt;    ///< a '>' in the name (only after a quote): SkipRecordBody leaves its end tag alone
        std::uint64_t line;  ///< 0 inside a record: see OpenedAt
        std::uint64_t column;
    };
    struct OpenRecord {
        std::size_t start;  ///< into buf_
        std::size_t depth;  ///< stack size with the record element open
        CmlRecordKind kind;
        std::uint64_t line;
        std::uint64_t column;
        std::uint64_t source_offset;
        std::string path;
    };
    enum class Capture { kNone, kId, kCatalogId, kClassifierId, kName, kOnlyChanges };

    /// The converted UTF-8 text held: buf_ is storage, only its first end_ bytes are text.
    std::string_view Text() const noexcept { return {buf_.data(), end_}; }
    /// Makes room for `bytes` more after the text and returns where they go.
    char* Reserve(std::size_t bytes);
    Status Fill();
    /// Appends a UTF-8 `chunk` (already at Text().end() when read in place) after validating it.
    Status AppendUtf8(std::string_view chunk);
    void Compact();
    void CountTo(std::size_t pos);
    /// Line and column at `pos` (>= count_pos_) without moving the counters.
    std::pair<std::uint64_t, std::uint64_t> LineColumnAt(std::size_t pos) const;
    Error Fatal(std::size_t at, std::string const& what);
    std::string PathString() const;
    std::string_view QName(Frame const& f) const;
    std::string_view LocalName(Frame const& f) const;
    void Push(std::string_view qname, std::uint64_t line, std::uint64_t column);
    /// Opens an element inside the record: its start tag is at buf_[lt], its name right after.
    void PushInRecord(std::size_t lt, std::size_t name_length, bool name_has_gt);
    /// Line and column of a frame's start tag; computed on demand for frames inside a record.
    std::pair<std::uint64_t, std::uint64_t> OpenedAt(Frame const& f) const;
    void Pop();
    std::optional<CmlRecordKind> MatchRecord() const;
    std::optional<CmlSectionKind> MatchSection() const;
    void ReadHeaderAttributes(std::string_view tag, CmlHeader& header);
    void StartCapture(bool self_closing);
    void StoreCapture();
    SplitEvent TakeRecord();
    static SplitEvent HeaderEvent(CmlHeader header);
    Result<std::optional<SplitEvent>> OnEndTag(std::size_t lt, std::size_t end);
    Result<std::optional<SplitEvent>> OnStartTag(std::size_t lt, std::size_t end);
    Result<std::size_t> FindTagEnd(std::size_t lt, bool& unterminated_quote);
    /// Consumes the plain tags inside the open record (the bulk of the input) up to anything else.
    void SkipRecordBody();
    Result<SplitEvent> AtEndOfInput();

    std::istream& in_;
    std::string label_;
    SplitterOptions options_;

    bool encoding_known_ = false;
    TextEncoding encoding_ = TextEncoding::kUtf8;
    Utf8Validator validator_;
    std::string raw_;
    std::string buf_;
    std::size_t end_ = 0;
    std::size_t pos_ = 0;
    bool eof_ = false;
    bool failed_ = false;
    std::size_t peak_buffer_ = 0;
    std::uint64_t source_read_ = 0;

    // Position bookkeeping for buf_[count_pos_].
    std::size_t count_pos_ = 0;
    std::uint64_t discarded_ = 0;  ///< UTF-8 bytes dropped from the front of buf_ so far
    std::uint64_t line_ = 1;
    std::uint64_t column_ = 1;
    std::uint64_t source_offset_ = 0;

    std::vector<Frame> stack_;
    std::string names_;
    bool root_seen_ = false;
    bool root_closed_ = false;
    std::optional<OpenRecord> record_;
    std::uint64_t records_ = 0;

    CmlHeader root_header_;
    std::optional<CmlHeader> section_;
    bool section_emitted_ = false;
    Capture capture_ = Capture::kNone;
    std::size_t capture_depth_ = 0;
    std::string capture_text_;
};

/// Convenience: runs a splitter to the end, calling `on_record` for every record (and `on_header`,
/// if set, for every header). Stops at the first fatal error or when a callback returns an error.
Status SplitRecords(std::istream& in, std::string file_label, SplitterOptions options,
                    std::function<Status(RawRecord const&)> const& on_record,
                    std::function<Status(CmlHeader const&)> const& on_header = {});

/// Appends `text` with the five XML entities and numeric character references decoded (used for
/// header values; records are decoded by pugixml).
void AppendXmlUnescaped(std::string_view text, std::string& out);

}  // namespace b2b::onec
