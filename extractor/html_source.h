// HtmlSource: a disclosure published as a web page (.html / .htm) read as
// one page of text, the same shape a PDF page has: one printed line per
// '\n' (block tags and <br> end a line, table cells are spaced), scripts,
// styles, comments and server-template directives (<% %>) dropped, entities
// decoded; a <table> row is one line, its cells in column order (rowspan
// and colspan respected, blank cells absent).  A page declared GBK / GB2312 / GB18030 in its meta charset is
// converted to UTF-8 (ICU); anything else is taken as UTF-8 and repaired by
// the normalizer.  A page without any text is the `empty` fault.
#pragma once

#include <string>

#include "extractor/source.h"

namespace cnbudget {

// Fills doc.pages / doc.page_count / doc.error from the bytes in `data`, and
// hands options.on_layout a layout whose <table> rows are lines of cells
// placed by column (so the table reader reads HTML tables as it reads PDFs).
void ReadHtml(const std::string& data, const LoadOptions& options, RawDocument* doc);

// The text of an HTML document (exposed for tests).
std::string HtmlText(const std::string& data);

}  // namespace cnbudget
