#include "extractor/source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "extractor/html_source.h"
#include "extractor/pdf_source.h"
#include "extractor/sha256.h"

namespace cnbudget {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char a = s[s.size() - suffix.size() + i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != suffix[i]) return false;
  }
  return true;
}

// Plain text: '\f' separates pages, as pdftotext writes them.
void ReadText(const std::string& data, RawDocument* doc) {
  size_t start = 0;
  int number = 1;
  while (true) {
    size_t ff = data.find('\f', start);
    std::string page = data.substr(start, ff == std::string::npos ? std::string::npos : ff - start);
    if (ff == std::string::npos && page.empty() && number > 1) break;  // trailing form feed
    doc->pages.push_back({number++, std::move(page)});
    if (ff == std::string::npos) break;
    start = ff + 1;
  }
  doc->page_count = static_cast<int>(doc->pages.size());
}

}  // namespace

bool IsInputName(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (const char* ext : {".pdf", ".txt", ".html", ".htm"})  // ".pdf" alone is a hidden name, no extension
    if (name.size() > std::strlen(ext) && EndsWith(name, ext)) return true;
  return false;
}

RawDocument LoadDocument(const std::string& path, const LoadOptions& options) {
  RawDocument doc;
  doc.path = path;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    doc.error = SourceError{"not_found", "cannot open " + path + ": " + std::strerror(errno)};
    return doc;
  }
  if (!S_ISREG(st.st_mode)) {
    doc.error = SourceError{"not_a_file", path + " is not a regular file"};
    return doc;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    doc.error = SourceError{"unreadable", "cannot read " + path + ": " + std::strerror(errno)};
    return doc;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string data = buf.str();
  if (in.bad()) {
    doc.error = SourceError{"unreadable", "read error on " + path};
    return doc;
  }
  doc.sha256 = Sha256Hex(data);
  if (data.empty()) {
    doc.error = SourceError{"empty", path + " is empty (0 bytes)"};
    return doc;
  }
  if (EndsWith(path, ".txt")) {
    ReadText(data, &doc);
    return doc;
  }
  if (EndsWith(path, ".html") || EndsWith(path, ".htm")) {
    ReadHtml(data, options, &doc);
    return doc;
  }
  // A PDF header may be preceded by junk; readers accept it in the first 1 KiB.
  if (data.substr(0, 1024).find("%PDF-") == std::string::npos) {
    doc.error = SourceError{"not_a_pdf", path + " has no %PDF- header: not a PDF (an HTML error page or other file saved as .pdf?)"};
    return doc;
  }
  ReadPdf(data, options, &doc);
  return doc;
}

}  // namespace cnbudget
