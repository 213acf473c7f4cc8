#include "src/pipeline.h"

#include <exception>

#include "extractor/normalizer.h"

namespace cnbudget {

DocumentOutput Pipeline::Process(const std::string& path, const LoadOptions& options) const {
  DocumentOutput out;
  DocumentRecord doc;
  doc.source = path;
  std::vector<std::string> body;
  try {
    RawDocument raw = LoadDocument(path, options);
    doc.sha256 = raw.sha256;
    doc.pages = raw.page_count;
    for (const PageError& e : raw.page_errors)
      body.push_back(ToJson(path, ErrorInfo{e.error.code, e.error.message, e.page}));
    if (raw.error) {
      doc.status = "failed";
      doc.error = ErrorInfo{raw.error->code, raw.error->message, 0};
    } else {
      thread_local Normalizer normalizer;
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
      FigureEngine engine(grammar_);
      Extraction ex = engine.Extract(pages);
      for (const FigureRecord& f : ex.figures) body.push_back(ToJson(path, f));
      for (const ProjectRecord& p : ex.projects) body.push_back(ToJson(path, p));
      doc.figures = static_cast<int>(ex.figures.size());
      doc.projects = static_cast<int>(ex.projects.size());
      bool page_failed = false;
      for (const PageError& e : raw.page_errors)
        if (e.error.code != "poppler_warning") page_failed = true;
      doc.status = page_failed ? "partial" : "ok";
      if (page_failed) doc.error = ErrorInfo{"damaged_page", "some pages could not be read; see the error records", 0};
    }
  } catch (const std::exception& e) {
    // Defensive: an internal fault fails this document only.
    doc.status = "failed";
    doc.error = ErrorInfo{"internal", std::string("internal error: ") + e.what(), 0};
    body.clear();
  }
  out.status = doc.status;
  if (doc.error) out.error_code = doc.error->code;
  out.lines.push_back(ToJson(doc));
  out.lines.insert(out.lines.end(), body.begin(), body.end());
  return out;
}

}  // namespace cnbudget
