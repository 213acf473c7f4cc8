// PdfSource: a PDF read page by page through poppler-cpp.
//
// Reading order is rebuilt from `page::text_list()` word and character boxes
// (not `page::text()`): words are grouped into lines by baseline, spaces are
// decided from character gaps (so letter-spaced or justified CJK does not
// split words), footers like `- 12 -` / `─ 7 ─` are dropped.
// Fault codes: damaged, encrypted (user password needed or wrong),
// no_text_layer (pages but no text anywhere).  Owner-only restrictions are
// ignored: the text is read as pdftotext reads it.
// Thread-safety: call InitPoppler() once on the main thread before any
// concurrent use; never share a document between threads.
#pragma once

#include <string>

#include "extractor/source.h"

namespace cnbudget {

// Installs the poppler error callback (messages become page_errors of the
// document being read on this thread) and warms poppler's global state.
void InitPoppler();

// Fills doc.pages / doc.page_count / doc.error from the bytes in `data`.
void ReadPdf(const std::string& data, const LoadOptions& options, RawDocument* doc);

}  // namespace cnbudget
