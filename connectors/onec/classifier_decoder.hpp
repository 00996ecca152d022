#pragma once

#include <vector>

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/decode_support.hpp"
#include "connectors/onec/record_splitter.hpp"

namespace b2b::onec {

// Decoders for the Классификатор records (commerceml.md §3.2). Each takes one record from the
// splitter; errors are Permanent and read `<file>:<line>:<col>: <reason> (element path <path>)`.

/// A top-level Группа and its nested Группы, flattened depth-first: the record's group first,
/// each child with `parent` set. Errors: missing Ид.
Result<std::vector<CmlGroup>> DecodeGroup(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

/// Свойство with ВариантыЗначений/Справочник options. Errors: missing Ид.
Result<CmlProperty> DecodeProperty(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

/// ТипЦены (Классификатор or ПакетПредложений). Errors: missing Ид.
Result<CmlPriceType> DecodePriceType(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

/// Склад. Errors: missing Ид.
Result<CmlWarehouse> DecodeWarehouse(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

/// ЕдиницаИзмерения. Errors: neither Ид nor Код.
Result<CmlUnit> DecodeUnit(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

}  // namespace b2b::onec
