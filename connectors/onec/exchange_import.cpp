#include "connectors/onec/exchange_import.hpp"

#include <algorithm>
#include <fstream>
#include <utility>

#include <boost/json.hpp>

#include "connectors/onec/exchange_files.hpp"

namespace b2b::onec {
namespace {

namespace json = boost::json;

// How often the time budget is checked. Each CmlStreamReader::Next delivers everything it read
// before returning, so a step much larger than the decode batch (64 records) keeps the decode
// threads busy; 1,024 records are ~10 MB of a large catalog, a few tens of milliseconds.
constexpr std::size_t kRecordsPerStep = 1024;

// Keeps the headers on the way through (a later slice replays them to a fresh sink) and notes
// whether an error came from the sink rather than from the document.
class HeaderTap final : public CmlVisitor {
public:
    HeaderTap(CmlVisitor& next, std::vector<CmlHeader>& headers) : next_(next), headers_(headers) {}

    bool SinkFailed() const noexcept { return sink_failed_; }

    // CmlVisitor
    Status OnHeader(CmlHeader const& v) override {
        headers_.push_back(v);
        return Note(next_.OnHeader(v));
    }
    Status OnGroup(CmlGroup const& v) override { return Note(next_.OnGroup(v)); }
    Status OnProperty(CmlProperty const& v) override { return Note(next_.OnProperty(v)); }
    Status OnPriceType(CmlPriceType const& v) override { return Note(next_.OnPriceType(v)); }
    Status OnWarehouse(CmlWarehouse const& v) override { return Note(next_.OnWarehouse(v)); }
    Status OnUnit(CmlUnit const& v) override { return Note(next_.OnUnit(v)); }
    Status OnProduct(CmlProduct const& v) override { return Note(next_.OnProduct(v)); }
    Status OnOffer(CmlOffer const& v) override { return Note(next_.OnOffer(v)); }
    Status OnCounterparty(CmlCounterparty const& v) override { return Note(next_.OnCounterparty(v)); }
    Status OnDocument(CmlDocument const& v) override { return Note(next_.OnDocument(v)); }

private:
    Status Note(Status st) {
        if (!st) {
            sink_failed_ = true;
        }
        return st;
    }

    CmlVisitor& next_;
    std::vector<CmlHeader>& headers_;
    bool sink_failed_ = false;
};

json::object HeaderToJson(CmlHeader const& h) {
    json::object o;
    o["section"] = static_cast<int>(h.section);
    o["path"] = h.element_path;
    o["line"] = h.line;
    o["column"] = h.column;
    o["schema_version"] = h.schema_version;
    o["generated_at"] = h.generated_at;
    o["id"] = h.id;
    o["catalog_id"] = h.catalog_id;
    o["classifier_id"] = h.classifier_id;
    o["name"] = h.name;
    if (h.only_changes) {
        o["only_changes"] = *h.only_changes;
    }
    return o;
}

CmlHeader HeaderFromJson(json::object const& o) {
    CmlHeader h;
    h.section = static_cast<CmlSectionKind>(o.at("section").to_number<int>());
    h.element_path = json::value_to<std::string>(o.at("path"));
    h.line = o.at("line").to_number<std::uint64_t>();
    h.column = o.at("column").to_number<std::uint64_t>();
    h.schema_version = json::value_to<std::string>(o.at("schema_version"));
    h.generated_at = json::value_to<std::string>(o.at("generated_at"));
    h.id = json::value_to<std::string>(o.at("id"));
    h.catalog_id = json::value_to<std::string>(o.at("catalog_id"));
    h.classifier_id = json::value_to<std::string>(o.at("classifier_id"));
    h.name = json::value_to<std::string>(o.at("name"));
    if (auto const* v = o.if_contains("only_changes")) {
        h.only_changes = v->as_bool();
    }
    return h;
}

unsigned Percent(std::uint64_t offset, std::uint64_t size) {
    if (size == 0) {
        return 100;
    }
    return static_cast<unsigned>(std::min<std::uint64_t>(100, offset * 100 / size));
}

}  // namespace

std::string EncodeCursor(ImportCursor const& cursor) {
    json::object o;
    o["started"] = cursor.started;
    o["offset"] = cursor.checkpoint.source_offset;
    o["line"] = cursor.checkpoint.line;
    o["column"] = cursor.checkpoint.column;
    o["records"] = cursor.checkpoint.records;
    o["encoding"] = cursor.checkpoint.encoding == TextEncoding::kWindows1251 ? "windows-1251" : "utf-8";
    json::array open;
    for (auto const& e : cursor.checkpoint.open_elements) {
        open.emplace_back(e);
    }
    o["open"] = std::move(open);
    json::array headers;
    for (auto const& h : cursor.headers) {
        headers.emplace_back(HeaderToJson(h));
    }
    o["headers"] = std::move(headers);
    o["skipped"] = cursor.skipped;
    o["orphan_offers"] = cursor.kept.orphan_offers;
    o["unknown_price_types"] = cursor.kept.unknown_price_types;
    json::array rows;
    for (auto const& r : cursor.kept.rows) {
        rows.push_back(json::array{json::string(r.kind), r.inserted, r.updated, r.unchanged});
    }
    o["rows"] = std::move(rows);
    o["products_deactivated"] = cursor.kept.products_deactivated;
    o["offers_deactivated"] = cursor.kept.offers_deactivated;
    return json::serialize(o);
}

Result<ImportCursor> DecodeCursor(std::string_view text) {
    boost::system::error_code ec;
    json::value const v = json::parse(text, ec);
    if (ec || !v.is_object()) {
        return Error::Permanent("corrupt import cursor in the store: not a JSON object");
    }
    try {
        auto const& o = v.as_object();
        ImportCursor c;
        c.started = o.at("started").as_bool();
        c.checkpoint.source_offset = o.at("offset").to_number<std::uint64_t>();
        c.checkpoint.line = o.at("line").to_number<std::uint64_t>();
        c.checkpoint.column = o.at("column").to_number<std::uint64_t>();
        c.checkpoint.records = o.at("records").to_number<std::uint64_t>();
        c.checkpoint.encoding =
            o.at("encoding").as_string() == "windows-1251" ? TextEncoding::kWindows1251 : TextEncoding::kUtf8;
        for (auto const& e : o.at("open").as_array()) {
            c.checkpoint.open_elements.push_back(json::value_to<std::string>(e));
        }
        for (auto const& h : o.at("headers").as_array()) {
            c.headers.push_back(HeaderFromJson(h.as_object()));
        }
        c.skipped = o.at("skipped").to_number<std::uint64_t>();
        // Absent in cursors written before the tally existed.
        if (auto const* v = o.if_contains("orphan_offers")) {
            c.kept.orphan_offers = v->to_number<std::uint64_t>();
        }
        if (auto const* v = o.if_contains("unknown_price_types")) {
            c.kept.unknown_price_types = v->to_number<std::uint64_t>();
        }
        if (auto const* v = o.if_contains("rows")) {
            for (auto const& r : v->as_array()) {
                auto const& a = r.as_array();
                c.kept.rows.push_back({json::value_to<std::string>(a.at(0)), a.at(1).to_number<std::uint64_t>(),
                                       a.at(2).to_number<std::uint64_t>(), a.at(3).to_number<std::uint64_t>()});
            }
        }
        if (auto const* v = o.if_contains("products_deactivated")) {
            c.kept.products_deactivated = v->to_number<std::uint64_t>();
        }
        if (auto const* v = o.if_contains("offers_deactivated")) {
            c.kept.offers_deactivated = v->to_number<std::uint64_t>();
        }
        return c;
    } catch (std::exception const& e) {
        // Boost.JSON reports a missing key or wrong type by throwing; that is bad data, not a bug.
        return Error::Permanent(std::string("corrupt import cursor in the store: ") + e.what());
    }
}

SliceOutcome RunImportSlice(std::filesystem::path const& path, std::string const& label, ImportCursor& cursor,
                            ImportSink& sink, SliceLimits const& limits) {
    SliceOutcome outcome;
    std::uint64_t const file_size = FileSizeOrZero(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        outcome.error = "cannot open " + label;
        return outcome;
    }
    std::vector<CmlHeader> headers = cursor.headers;
    for (auto const& h : cursor.headers) {
        if (auto st = sink.Visitor().OnHeader(h); !st) {
            outcome.error = st.error().message;
            return outcome;
        }
    }
    HeaderTap tap(sink.Visitor(), headers);
    std::optional<CmlStreamReader> reader;
    if (cursor.started) {
        in.seekg(static_cast<std::streamoff>(cursor.checkpoint.source_offset));
        if (!in) {
            outcome.error = "cannot seek in " + label + " to byte " + std::to_string(cursor.checkpoint.source_offset);
            return outcome;
        }
        reader.emplace(in, label, limits.reader, tap, cursor.checkpoint);
    } else {
        reader.emplace(in, label, limits.reader, tap);
    }
    auto const deadline = std::chrono::steady_clock::now() + limits.budget;
    std::uint64_t const records_before = cursor.started ? cursor.checkpoint.records : 0;
    std::uint64_t read = 0;
    while (!reader->Done() && read < limits.max_records) {
        std::size_t const step = std::min<std::size_t>(kRecordsPerStep, limits.max_records - read);
        if (auto st = reader->Next(step); !st) {
            outcome.error = st.error().message;
            outcome.document_error = !tap.SinkFailed();
            return outcome;
        }
        read = reader->Checkpoint().records - records_before;
        if (std::chrono::steady_clock::now() >= deadline) {
            break;
        }
    }
    if (auto st = sink.Flush(); !st) {
        outcome.error = st.error().message;
        return outcome;
    }
    auto checkpoint = reader->Checkpoint();
    outcome.records_in_slice = checkpoint.records - records_before;
    outcome.records_total = checkpoint.records;
    if (reader->Done()) {
        if (auto st = sink.Finish(); !st) {
            outcome.error = st.error().message;
            return outcome;
        }
        outcome.percent = 100;
        outcome.kind = SliceOutcome::Kind::kDone;
    } else {
        outcome.percent = Percent(checkpoint.source_offset, file_size);
        outcome.kind = SliceOutcome::Kind::kProgress;
    }
    cursor.started = true;
    cursor.skipped += reader->Summary().skipped;
    auto const tally = sink.Tally();
    outcome.kept_in_slice = tally;
    cursor.kept.Add(tally);
    cursor.checkpoint = std::move(checkpoint);
    cursor.headers = std::move(headers);
    return outcome;
}

}  // namespace b2b::onec
