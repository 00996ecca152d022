#pragma once

#include <string>
#include <vector>

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/decode_support.hpp"
#include "connectors/onec/record_splitter.hpp"

namespace b2b::onec {

/// Каталог/Товары/Товар (commerceml.md §3.3). The Ид is split on the first '#'; the base unit code
/// is trimmed ("796 " -> "796"); deletion is read from all three encodings (§6 quirk 17).
/// Errors (Permanent, `<file>:<line>:<col>: <reason> (element path ...)`): malformed XML, missing Ид,
/// an Ид with an empty product part.
Result<CmlProduct> DecodeProduct(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

/// БазоваяЕдиница in its three shapes (§6 quirk 24): attributes, text `шт`, or text = code.
void ReadBaseUnit(pugi::xml_node unit, std::string& code, std::string& name);

/// ХарактеристикаТовара (Наименование + Значение) of a ХарактеристикиТовара element, in order.
std::vector<CmlCharacteristic> ReadCharacteristics(pugi::xml_node characteristics);

/// ЗначенияСвойства (Ид + Значение) of a ЗначенияСвойств element, in order.
std::vector<CmlPropertyValue> ReadPropertyValues(pugi::xml_node values);

}  // namespace b2b::onec
