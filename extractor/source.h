// Source: one input file (PDF or plain text) read into pages of raw text.
//
// Contract: Load never throws and never crashes on bad input.  A document
// that cannot be read at all comes back with `error` set (code is one of
// not_found, empty, not_a_pdf, damaged, encrypted, no_text_layer,
// unreadable) and no pages.  A document whose pages partly fail keeps the
// pages that worked and lists the others in `page_errors`.
//
// Page text is UTF-8 in reading order: one printed line per '\n', table
// rows kept on one line, page footers (`- 12 -`) already dropped.  It is not
// yet normalized (see normalizer.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cnbudget {

struct SourceError {
  std::string code;     // stable machine code, e.g. "encrypted"
  std::string message;  // what happened and what the user can do
};

struct RawPage {
  int number = 0;    // 1-based
  std::string text;  // UTF-8, '\n' between lines
};

// Positioned text of one page, for table reading (extractor/table_reader.h).
// Coordinates are PDF points, x to the right, y down from the page top; a
// line's `y` is its baseline (glyph box bottom), `size` its font size (from
// glyph advances: a CJK glyph is one em).  Words are split where the text
// path puts a space.
struct TextWord {
  std::string text;  // UTF-8 as extracted (not normalized)
  double x0 = 0, x1 = 0;
};

struct TextLine {
  double y = 0, size = 0;
  std::vector<TextWord> words;  // left to right
};

struct PageLayout {
  int number = 0;  // 1-based
  double width = 0, height = 0;
  std::vector<TextLine> lines;  // top to bottom, page footers dropped
};

struct PageError {
  int page = 0;
  SourceError error;
};

struct RawDocument {
  std::string path;
  std::string sha256;           // hex digest of the bytes, "" if unreadable
  int page_count = 0;           // pages the file declares
  std::vector<RawPage> pages;   // pages actually read
  std::optional<SourceError> error;   // the whole document failed
  std::vector<PageError> page_errors; // pages that failed, or library warnings
};

struct LoadOptions {
  std::string password;  // user (or owner) password for encrypted PDFs
  int max_pages = 0;     // read at most this many PDF pages (0: all)
  double timeout_seconds = 0;  // stop reading pages after this long (0: no limit);
                               // checked between pages, so one page is not cut short
  // Called once per PDF page read, in page order, with its positioned words;
  // the layout is not kept after the call (memory stays per page).  Unset:
  // no layout is built.  Plain-text inputs have no layout.
  std::function<void(const PageLayout&)> on_layout;
};

// Reads `path`, choosing the reader by content and extension
// (".txt" → plain text with '\f' as page break; ".html" / ".htm" → one page
// of a web page's text (extractor/html_source.h); anything else → PDF).
RawDocument LoadDocument(const std::string& path, const LoadOptions& options);

// True for the names a folder search takes: ending .pdf, .txt, .html or .htm
// (any case) after at least one other character.
bool IsInputName(const std::string& path);

}  // namespace cnbudget
