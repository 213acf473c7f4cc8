// Fuzz target: bytes → document through Poppler, as the pipeline reads a PDF:
// page text and positioned words, the table reader over every page, the
// figure engine and the checks.  A damaged input must end as a document
// error or page errors, never a crash, and whatever is read must keep the
// record properties in fuzz_records.h.  Pages are capped (the CLI's
// --max-pages) so one input cannot take the whole run.
#include <cstdint>
#include <string>
#include <vector>

#include "extractor/normalizer.h"
#include "extractor/pdf_source.h"
#include "extractor/table_reader.h"
#include "fuzz/fuzz_records.h"
#include "grammar/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool init = (cnbudget::InitPoppler(), true);
  (void)init;
  const cnbudget_fuzz::Rules& rules = cnbudget_fuzz::LoadRules();
  static cnbudget::Normalizer normalizer;
  cnbudget::TableReader tables(rules.grammar->tables(), normalizer);
  cnbudget::LoadOptions options;
  options.max_pages = 8;
  options.timeout_seconds = 10;
  options.on_layout = [&tables](const cnbudget::PageLayout& page) {
    FUZZ_CHECK(page.number >= 1, "layout page number");
    tables.AddPage(page);
  };
  cnbudget::RawDocument doc;
  cnbudget::ReadPdf(std::string(reinterpret_cast<const char*>(data), size), options, &doc);
  tables.Finish();
  if (doc.error) {
    FUZZ_CHECK(!doc.error->code.empty() && !doc.error->message.empty(), "a failed document says why");
    FUZZ_CHECK(doc.pages.empty(), "a failed document has no pages");
    return 0;
  }
  std::vector<cnbudget::PageInput> pages;
  int last = 0;
  for (const cnbudget::RawPage& p : doc.pages) {
    FUZZ_CHECK(p.number > last && p.number <= doc.page_count, "pages in order and declared");
    last = p.number;
    cnbudget::PageInput in;
    in.number = p.number;
    in.raw = p.text;
    in.text = normalizer.Normalize(p.text);
    pages.push_back(std::move(in));
  }
  cnbudget::Extraction ex = cnbudget::FigureEngine(*rules.grammar).Extract(pages);
  std::vector<cnbudget::RowRecord> rows;
  for (const cnbudget::TableRow& r : tables.rows()) rows.push_back(r.record);
  for (auto& f : cnbudget::TableFigures(rules.grammar->tables(), tables.rows())) ex.figures.push_back(std::move(f));
  auto checks = rules.checks->Run(ex.figures, rows);
  cnbudget_fuzz::CheckRecords(doc.page_count, ex.figures, ex.projects, rows, checks);
  return 0;
}
