// Fuzz target: text → records, the grammar engine as the pipeline runs it on
// a .txt input ('\f' between pages): normalizer, metadata, figure engine,
// checks.  Every record must keep the properties in fuzz_records.h.
#include <cstdint>
#include <string>
#include <vector>

#include "extractor/normalizer.h"
#include "fuzz/fuzz_records.h"
#include "grammar/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const cnbudget_fuzz::Rules& rules = cnbudget_fuzz::LoadRules();
  static cnbudget::Normalizer normalizer;
  std::string in(reinterpret_cast<const char*>(data), size);
  std::vector<cnbudget::PageInput> pages;
  std::vector<std::string> texts;
  size_t start = 0;
  while (start <= in.size()) {
    size_t ff = in.find('\f', start);
    cnbudget::PageInput p;
    p.number = static_cast<int>(pages.size()) + 1;
    p.raw = in.substr(start, ff == std::string::npos ? std::string::npos : ff - start);
    p.text = normalizer.Normalize(p.raw);
    texts.push_back(p.text.text);
    pages.push_back(std::move(p));
    if (ff == std::string::npos) break;
    start = ff + 1;
  }
  cnbudget::DocumentMeta meta = cnbudget::ReadMetadata(texts, rules.gazetteer.get());
  if (meta.year) FUZZ_CHECK(*meta.year >= 1900 && *meta.year <= 2099, "a plausible year or none");
  cnbudget::Extraction ex = cnbudget::FigureEngine(*rules.grammar).Extract(pages);
  std::vector<cnbudget::RowRecord> no_rows;
  auto checks = rules.checks->Run(ex.figures, no_rows);
  cnbudget_fuzz::CheckRecords(static_cast<int>(pages.size()), ex.figures, ex.projects, no_rows, checks);
  return 0;
}
