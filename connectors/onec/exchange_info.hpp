#pragma once

#include "connectors/onec/cml_writer.hpp"
#include "connectors/onec/exchange_answer.hpp"

namespace b2b::onec {

/// The answer to `type=sale&mode=info` (commerceml.md §1.7): the site's order statuses and payment
/// systems as XML, which the 1C-side exchange module uses to map its own statuses. The shape is
/// Bitrix's sale.export.1c output, element names included:
///   <Справочник><Cтатусы><Элемент><Ид/><Название/></Элемент>…</Cтатусы>
///   <ПлатежныеСистемы><Элемент>…</Элемент></ПлатежныеСистемы></Справочник>
/// "Cтатусы" starts with a LATIN capital C in Bitrix's language file (CC_BSC1_DI_STATUSES); the
/// 1C module was written against that output, so it is reproduced, not corrected.
/// Bytes and Content-Type as for mode=query (`encoding`; Bitrix always sends windows-1251);
/// characters windows-1251 lacks become '?'. Names that are not valid UTF-8 are a bug of the
/// configuration and answer `failure`.
ExchangeAnswer AnswerSaleInfo(SaleInfo const& info, CmlOutputEncoding encoding);

}  // namespace b2b::onec
