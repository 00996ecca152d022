#include "connectors/onec/cml_reader.hpp"

#include <fstream>
#include <utility>

#include <fmt/format.h>

#include "connectors/onec/classifier_decoder.hpp"
#include "connectors/onec/counterparty_decoder.hpp"
#include "connectors/onec/document_decoder.hpp"
#include "connectors/onec/offer_decoder.hpp"
#include "connectors/onec/product_decoder.hpp"

namespace b2b::onec {

Status CmlVisitor::OnHeader(CmlHeader const&) { return {}; }
Status CmlVisitor::OnGroup(CmlGroup const&) { return {}; }
Status CmlVisitor::OnProperty(CmlProperty const&) { return {}; }
Status CmlVisitor::OnPriceType(CmlPriceType const&) { return {}; }
Status CmlVisitor::OnWarehouse(CmlWarehouse const&) { return {}; }
Status CmlVisitor::OnUnit(CmlUnit const&) { return {}; }
Status CmlVisitor::OnProduct(CmlProduct const&) { return {}; }
Status CmlVisitor::OnOffer(CmlOffer const&) { return {}; }
Status CmlVisitor::OnCounterparty(CmlCounterparty const&) { return {}; }
Status CmlVisitor::OnDocument(CmlDocument const&) { return {}; }

namespace {

// Decodes with `decode` and hands the value to `deliver`; a decode failure is returned as the
// optional error (skippable), a visitor failure as the Status (fatal).
template <class Decode, class Deliver>
Status DecodeAndDeliver(RawRecord const& record, DecodeContext const& ctx, Decode decode, Deliver deliver,
                        std::optional<Error>& decode_error) {
    auto value = decode(record, ctx);
    if (!value) {
        decode_error = value.error();
        return {};
    }
    return deliver(*value);
}

}  // namespace

CmlStreamReader::CmlStreamReader(std::istream& in, std::string file_label, ReaderOptions options,
                                 CmlVisitor& visitor)
    : label_(std::move(file_label)),
      options_(options),
      visitor_(visitor),
      ctx_{label_, options.default_utc_offset},
      splitter_(in, label_, options.splitter) {}

CmlStreamReader::CmlStreamReader(std::istream& in, std::string file_label, ReaderOptions options,
                                 CmlVisitor& visitor, SplitterCheckpoint checkpoint)
    : label_(std::move(file_label)),
      options_(options),
      visitor_(visitor),
      ctx_{label_, options.default_utc_offset},
      splitter_(in, label_, options.splitter, std::move(checkpoint)) {}

void CmlStreamReader::AddProblem(RawRecord const& record, Error const& error) {
    ++summary_.skipped;
    if (summary_.problems.size() < options_.max_problems_kept) {
        summary_.problems.push_back(RecordProblem{record.kind, record.path, record.line, record.column, error.message});
    }
}

Status CmlStreamReader::Dispatch(RawRecord const& record) {
    std::optional<Error> decode_error;
    auto& counts = summary_.decoded;
    auto count = [&counts](CmlRecordKind kind) { ++counts[static_cast<std::size_t>(kind)]; };
    Status st;
    switch (record.kind) {
        case CmlRecordKind::kGroup:
            st = DecodeAndDeliver(
                record, ctx_, DecodeGroup,
                [&](std::vector<CmlGroup> const& groups) -> Status {
                    for (auto const& g : groups) {
                        if (auto s = visitor_.OnGroup(g); !s) {
                            return s;
                        }
                        count(CmlRecordKind::kGroup);
                    }
                    return {};
                },
                decode_error);
            break;
        case CmlRecordKind::kProperty:
            st = DecodeAndDeliver(
                record, ctx_, DecodeProperty, [&](CmlProperty const& v) { return visitor_.OnProperty(v); },
                decode_error);
            break;
        case CmlRecordKind::kPriceType:
            st = DecodeAndDeliver(
                record, ctx_, DecodePriceType, [&](CmlPriceType const& v) { return visitor_.OnPriceType(v); },
                decode_error);
            break;
        case CmlRecordKind::kWarehouse:
            st = DecodeAndDeliver(
                record, ctx_, DecodeWarehouse, [&](CmlWarehouse const& v) { return visitor_.OnWarehouse(v); },
                decode_error);
            break;
        case CmlRecordKind::kUnit:
            st = DecodeAndDeliver(
                record, ctx_, DecodeUnit, [&](CmlUnit const& v) { return visitor_.OnUnit(v); }, decode_error);
            break;
        case CmlRecordKind::kProduct:
            st = DecodeAndDeliver(
                record, ctx_, DecodeProduct, [&](CmlProduct const& v) { return visitor_.OnProduct(v); },
                decode_error);
            break;
        case CmlRecordKind::kOffer:
            st = DecodeAndDeliver(
                record, ctx_, DecodeOffer, [&](CmlOffer const& v) { return visitor_.OnOffer(v); }, decode_error);
            break;
        case CmlRecordKind::kCounterparty:
            st = DecodeAndDeliver(
                record, ctx_, DecodeCounterparty,
                [&](CmlCounterparty const& v) { return visitor_.OnCounterparty(v); }, decode_error);
            break;
        case CmlRecordKind::kDocument:
            st = DecodeAndDeliver(
                record, ctx_, DecodeDocument, [&](CmlDocument const& v) { return visitor_.OnDocument(v); },
                decode_error);
            break;
    }
    if (!st) {
        return st;
    }
    if (decode_error) {
        AddProblem(record, *decode_error);
    } else if (record.kind != CmlRecordKind::kGroup) {
        count(record.kind);
    }
    return {};
}

Status CmlStreamReader::Next(std::size_t max_records) {
    if (fatal_) {
        return *fatal_;
    }
    std::size_t handled = 0;
    while (!done_ && handled < max_records) {
        auto ev = splitter_.Next();
        if (!ev) {
            fatal_ = ev.error();
            return *fatal_;
        }
        summary_.source_bytes = splitter_.SourceBytesRead();
        summary_.peak_buffer_bytes = splitter_.PeakBufferBytes();
        switch (ev->type) {
            case SplitEventType::kEnd:
                done_ = true;
                break;
            case SplitEventType::kHeader:
                summary_.headers.push_back(ev->header);
                if (auto st = visitor_.OnHeader(ev->header); !st) {
                    fatal_ = st.error();
                    return st;
                }
                break;
            case SplitEventType::kRecord:
                ++summary_.raw_records;
                ++handled;
                if (auto st = Dispatch(ev->record); !st) {
                    fatal_ = st.error();
                    return st;
                }
                break;
        }
    }
    return {};
}

Result<ReadSummary> ReadCommerceMl(std::istream& in, std::string file_label, ReaderOptions options,
                                   CmlVisitor& visitor) {
    CmlStreamReader reader(in, std::move(file_label), options, visitor);
    while (!reader.Done()) {
        if (auto st = reader.Next(1024); !st) {
            return st.error();
        }
    }
    return reader.Summary();
}

Result<ReadSummary> ReadCommerceMlFile(std::filesystem::path const& path, ReaderOptions options, CmlVisitor& visitor) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error::Permanent(fmt::format("cannot open {}", path.string()));
    }
    return ReadCommerceMl(in, path.filename().string(), options, visitor);
}

}  // namespace b2b::onec
