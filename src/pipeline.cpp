#include "src/pipeline.h"

#include <exception>
#include <new>

#include "extractor/normalizer.h"
#include "extractor/sha256.h"
#include "extractor/table_reader.h"

namespace cnbudget {
namespace {

// A document that failed part way: nothing it produced is kept but its
// warnings, and the record still names its bytes (resume and duplicate
// detection go by sha256; the failure may have unwound past the hashing).
void Fail(DocumentOutput* out, const std::string& code, const std::string& message) {
  out->figures.clear();
  out->projects.clear();
  out->rows.clear();
  out->checks.clear();
  DocumentRecord& doc = out->document;
  doc.tables.clear();
  doc.status = "failed";
  doc.error = ErrorInfo{code, message, 0};
  if (doc.sha256.empty()) doc.sha256 = Sha256File(doc.source);
}

}  // namespace

DocumentOutput Pipeline::Process(const std::string& path, const LoadOptions& options) const {
  DocumentOutput out;
  DocumentRecord& doc = out.document;
  doc.source = path;
  try {
    thread_local Normalizer normalizer;
    // Tables are read page by page while the PDF is read; only rows are kept.
    TableReader tables(grammar_.tables(), normalizer);
    LoadOptions load = options;
    load.on_layout = [&tables](const PageLayout& page) { tables.AddPage(page); };
    RawDocument raw = LoadDocument(path, load);
    tables.Finish();
    doc.sha256 = raw.sha256;
    doc.pages = raw.page_count;
    for (const PageError& e : raw.page_errors) out.errors.push_back(ErrorInfo{e.error.code, e.error.message, e.page});
    if (raw.error) {
      doc.status = "failed";
      doc.error = ErrorInfo{raw.error->code, raw.error->message, 0};
      return out;
    }
    std::vector<PageInput> pages;
    std::vector<std::string> texts;
    for (RawPage& p : raw.pages) {
      PageInput in;
      in.number = p.number;
      in.text = normalizer.Normalize(p.text);
      in.raw = std::move(p.text);
      texts.push_back(in.text.text);
      pages.push_back(std::move(in));
    }
    doc.meta = ReadMetadata(texts, gazetteer_);
    Extraction ex = FigureEngine(grammar_).Extract(pages);
    out.figures = std::move(ex.figures);
    out.projects = std::move(ex.projects);
    for (const TableRow& r : tables.rows()) out.rows.push_back(r.record);
    doc.tables = tables.tables();
    for (FigureRecord& f : TableFigures(grammar_.tables(), tables.rows())) out.figures.push_back(std::move(f));
    if (checks_) out.checks = checks_->Run(out.figures, out.rows);
    doc.figures = static_cast<int>(out.figures.size());
    doc.projects = static_cast<int>(out.projects.size());
    doc.rows = static_cast<int>(out.rows.size());
    for (const CheckRecord& c : out.checks) ++(c.status == "pass" ? doc.checks_passed : doc.checks_failed);
    // Any page problem other than a library warning makes the document partial;
    // the first such problem names it (damaged_page, page_limit, timeout).
    doc.status = "ok";
    for (const PageError& e : raw.page_errors) {
      if (e.error.code == "poppler_warning") continue;
      doc.status = "partial";
      doc.error = ErrorInfo{e.error.code, e.error.message + " (see the error records)", e.page};
      break;
    }
  } catch (const std::bad_alloc&) {
    Fail(&out, "memory_limit", "ran out of memory reading this document (see --max-memory)");
  } catch (const std::exception& e) {
    // Defensive: an internal fault fails this document only, and says so.
    Fail(&out, "internal", std::string("internal error: ") + e.what());
  }
  return out;
}

}  // namespace cnbudget
