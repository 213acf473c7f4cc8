// Fuzz target: bytes as a web page (extractor/html_source.h): text, the
// table layout through the table reader, the figure engine and the checks.
// Every record must keep the properties in fuzz_records.h, and the layout
// must be well formed (words left to right, lines top to bottom).
#include <cstdint>
#include <string>
#include <vector>

#include "extractor/html_source.h"
#include "extractor/normalizer.h"
#include "extractor/table_reader.h"
#include "fuzz/fuzz_records.h"
#include "grammar/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const cnbudget_fuzz::Rules& rules = cnbudget_fuzz::LoadRules();
  static cnbudget::Normalizer normalizer;
  cnbudget::TableReader tables(rules.grammar->tables(), normalizer);
  cnbudget::LoadOptions options;
  options.on_layout = [&tables](const cnbudget::PageLayout& page) {
    double y = -1;
    for (const cnbudget::TextLine& l : page.lines) {
      FUZZ_CHECK(l.y > y, "lines top to bottom");
      y = l.y;
      for (size_t i = 1; i < l.words.size(); ++i) FUZZ_CHECK(l.words[i].x0 >= l.words[i - 1].x0, "words left to right");
    }
    tables.AddPage(page);
  };
  cnbudget::RawDocument doc;
  cnbudget::ReadHtml(std::string(reinterpret_cast<const char*>(data), size), options, &doc);
  tables.Finish();
  if (doc.error) {
    FUZZ_CHECK(doc.pages.empty(), "a failed page has no text");
    return 0;
  }
  FUZZ_CHECK(doc.pages.size() == 1 && doc.page_count == 1, "a web page is one page");
  std::vector<cnbudget::PageInput> pages(1);
  pages[0].number = 1;
  pages[0].raw = doc.pages[0].text;
  pages[0].text = normalizer.Normalize(pages[0].raw);
  cnbudget::Extraction ex = cnbudget::FigureEngine(*rules.grammar).Extract(pages);
  std::vector<cnbudget::RowRecord> rows;
  for (const cnbudget::TableRow& r : tables.rows()) rows.push_back(r.record);
  for (auto& f : cnbudget::TableFigures(rules.grammar->tables(), tables.rows())) ex.figures.push_back(std::move(f));
  auto checks = rules.checks->Run(ex.figures, rows);
  cnbudget_fuzz::CheckRecords(1, ex.figures, ex.projects, rows, checks);
  return 0;
}
