#include "extractor/html_source.h"

#include <unicode/ucnv.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "extractor/utf8.h"

namespace cnbudget {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The charset a <meta> declares in the first 4 KiB, lower case, or "".
std::string DeclaredCharset(const std::string& data) {
  std::string head = Lower(data.substr(0, 4096));
  size_t at = head.find("charset=");
  if (at == std::string::npos) return "";
  at += 8;
  while (at < head.size() && (head[at] == '"' || head[at] == '\'' || head[at] == ' ')) ++at;
  size_t end = at;
  while (end < head.size() && (std::isalnum(static_cast<unsigned char>(head[end])) || head[end] == '-' || head[end] == '_'))
    ++end;
  return head.substr(at, end - at);
}

std::string FromGb18030(const std::string& data) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(data.size() * 2 + 16, '\0');
  int32_t n = ucnv_convert("UTF-8", "GB18030", &out[0], static_cast<int32_t>(out.size()), data.data(),
                           static_cast<int32_t>(data.size()), &status);
  if (U_FAILURE(status)) return data;  // left to the normalizer's repairs
  out.resize(n);
  return out;
}

// Decodes one entity starting at s[i] == '&'; returns the bytes consumed (0:
// not an entity, the '&' stays).
size_t Entity(const std::string& s, size_t i, std::string* out) {
  size_t semi = i + 1;  // looked for nearby only: a page of bare '&'s stays linear
  while (semi < s.size() && semi - i <= 10 && s[semi] != ';') ++semi;
  if (semi >= s.size() || s[semi] != ';') return 0;
  std::string name = s.substr(i + 1, semi - i - 1);
  if (name.size() > 1 && name[0] == '#') {
    bool hex = name[1] == 'x' || name[1] == 'X';
    std::string digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
      return 0;
    unsigned long cp = std::strtoul(digits.c_str(), nullptr, hex ? 16 : 10);
    AppendUtf8(out, cp > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(cp));
    return semi - i + 1;
  }
  static const struct { const char* name; const char* text; } kNamed[] = {
      {"nbsp", " "}, {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"},
      {"ensp", " "}, {"emsp", " "}, {"middot", "\xC2\xB7"}, {"ldquo", "\xE2\x80\x9C"}, {"rdquo", "\xE2\x80\x9D"},
      {"mdash", "\xE2\x80\x94"}, {"hellip", "\xE2\x80\xA6"}};
  for (const auto& e : kNamed)
    if (name == e.name) {
      *out += e.text;
      return semi - i + 1;
    }
  return 0;
}

// Tags after which the text goes on a new line.
bool BreaksLine(const std::string& tag) {
  static const char* kBlock[] = {"br", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table",
                                 "ul", "ol", "section", "article", "blockquote", "pre", "hr", "title"};
  for (const char* b : kBlock)
    if (tag == b) return true;
  return false;
}

// The site's "you are here" trail (当前位置：首页 > … > the title) repeats the
// title behind navigation words; the metadata would take it for the title.
bool IsBreadcrumb(const std::string& line) {
  for (const char* p : {"当前位置", "您的位置", "您现在的位置", "您当前的位置", "当前所在位置"})
    if (line.rfind(p, 0) == 0) return true;
  return false;
}

// One printed line: plain text, or the cells of a table row by column.
struct HtmlCell {
  std::string text;
  int col = 0, span = 1;
  bool header = false;
};
struct HtmlLine {
  std::string text;             // outside tables
  std::vector<HtmlCell> cells;  // a table row
};

std::string Attr(const std::string& tag_lower, const std::string& name) {
  size_t at = tag_lower.find(name + "=");
  if (at == std::string::npos) return "";
  at += name.size() + 1;
  while (at < tag_lower.size() && (tag_lower[at] == '"' || tag_lower[at] == '\'')) ++at;
  size_t end = at;
  while (end < tag_lower.size() && std::isdigit(static_cast<unsigned char>(tag_lower[end]))) ++end;
  return tag_lower.substr(at, end - at);
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

bool LooksNumeric(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != ',' && c != '-') return false;
  return true;
}

// Where `</tag` (any case) starts at or after `from`; npos if nowhere.  No
// copy of the rest of the page: a page of many <script>s stays linear.
size_t FindClosing(const std::string& data, size_t from, const std::string& tag) {
  for (size_t at = data.find("</", from); at != std::string::npos; at = data.find("</", at + 2)) {
    size_t k = 0;
    while (k < tag.size() && at + 2 + k < data.size() &&
           std::tolower(static_cast<unsigned char>(data[at + 2 + k])) == tag[k])
      ++k;
    if (k == tag.size()) return at;
  }
  return std::string::npos;
}

// Parses the page into lines; see the header for what is kept.
std::vector<HtmlLine> Parse(const std::string& raw) {
  std::string cs = DeclaredCharset(raw);
  const std::string data = (cs == "gbk" || cs == "gb2312" || cs == "gb18030") ? FromGb18030(raw) : raw;
  std::vector<HtmlLine> lines(1);
  std::string* sink = &lines.back().text;
  int table_depth = 0;
  bool in_cell = false;
  int col = 0;
  std::vector<int> cover;     // rows below the current one a rowspan covers, per column
  std::vector<bool> blocked;  // columns of the current row a rowspan above takes
  auto new_line = [&]() {
    if (!lines.back().text.empty() || !lines.back().cells.empty()) lines.emplace_back();
    sink = &lines.back().text;
  };
  auto close_cell = [&]() {
    if (!in_cell) return;
    in_cell = false;
    HtmlCell& c = lines.back().cells.back();
    c.text = Trim(c.text);
    if (c.text.empty()) lines.back().cells.pop_back();  // a blank cell is not a 0
    sink = &lines.back().text;
  };
  size_t i = 0, n = data.size();
  while (i < n) {
    char c = data[i];
    if (c == '<') {
      if (data.compare(i, 4, "<!--") == 0) {
        size_t e = data.find("-->", i + 4);
        i = e == std::string::npos ? n : e + 3;
        continue;
      }
      if (data.compare(i, 2, "<%") == 0) {
        size_t e = data.find("%>", i + 2);
        i = e == std::string::npos ? n : e + 2;
        continue;
      }
      size_t e = data.find('>', i + 1);
      if (e == std::string::npos) break;
      std::string whole = Lower(data.substr(i + 1, e - i - 1));
      size_t k = 0;
      bool closing = !whole.empty() && whole[0] == '/';
      if (closing) k = 1;
      size_t name_end = k;
      while (name_end < whole.size() && (std::isalnum(static_cast<unsigned char>(whole[name_end])) || whole[name_end] == ':'))
        ++name_end;
      std::string tag = whole.substr(k, name_end - k);
      i = e + 1;
      if (!closing && (tag == "script" || tag == "style" || tag == "head" || tag == "noscript")) {
        size_t close = FindClosing(data, i, tag);
        size_t gt = close == std::string::npos ? std::string::npos : data.find('>', close);
        i = gt == std::string::npos ? n : gt + 1;
        continue;
      }
      if (tag == "table") {
        close_cell();
        new_line();
        table_depth += closing ? -1 : 1;
        if (table_depth < 0) table_depth = 0;
        cover.clear();
        blocked.clear();
        continue;
      }
      if (table_depth > 0 && tag == "tr") {
        close_cell();
        new_line();
        if (!closing) {
          col = 0;
          blocked.assign(cover.size(), false);
          for (size_t c = 0; c < cover.size(); ++c)
            if (cover[c] > 0) blocked[c] = true, --cover[c];
        }
        continue;
      }
      if (table_depth > 0 && (tag == "td" || tag == "th")) {
        close_cell();
        if (closing) continue;
        while (col < static_cast<int>(blocked.size()) && blocked[col]) ++col;
        int span = std::max(1, std::atoi(Attr(whole, "colspan").c_str()));
        int rows = std::max(1, std::atoi(Attr(whole, "rowspan").c_str()));
        if (span > 64) span = 64;
        HtmlCell cell;
        cell.col = col;
        cell.span = span;
        cell.header = tag == "th";
        lines.back().cells.push_back(cell);
        if (static_cast<int>(cover.size()) < col + span) cover.resize(col + span, 0), blocked.resize(col + span, false);
        for (int s = col; s < col + span; ++s) cover[s] = rows - 1;
        col += span;
        in_cell = true;
        sink = &lines.back().cells.back().text;
        continue;
      }
      if (BreaksLine(tag)) {
        if (in_cell) sink->push_back(' ');
        else if (table_depth == 0) new_line();
      } else if (tag == "td" || tag == "th") {
        sink->push_back(' ');
      }
      continue;
    }
    if (c == '&') {
      size_t used = Entity(data, i, sink);
      if (used > 0) {
        i += used;
        continue;
      }
    }
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';  // source line breaks are not printed breaks
    if (table_depth == 0 || in_cell) sink->push_back(c);
    ++i;
  }
  close_cell();
  std::vector<HtmlLine> kept;
  for (HtmlLine& l : lines) {
    l.text = Trim(l.text);
    if (l.cells.empty() && (l.text.empty() || IsBreadcrumb(l.text))) continue;
    kept.push_back(std::move(l));
  }
  return kept;
}

std::string LineText(const HtmlLine& l) {
  if (l.cells.empty()) return l.text;
  std::string t;
  for (const HtmlCell& c : l.cells) t += (t.empty() ? "" : " ") + c.text;
  return t;
}

std::string PageText(const std::vector<HtmlLine>& lines) {
  std::string text;
  for (const HtmlLine& l : lines) text += LineText(l) + "\n";
  return text;
}

}  // namespace

std::string HtmlText(const std::string& raw) { return PageText(Parse(raw)); }

void ReadHtml(const std::string& data, const LoadOptions& options, RawDocument* doc) {
  std::vector<HtmlLine> lines = Parse(data);
  std::string text = PageText(lines);
  if (text.empty()) {
    doc->error = SourceError{"empty", doc->path + " is a web page without any text"};
    return;
  }
  if (options.on_layout) {
    // A layout in the shape the table reader knows from PDFs: one line per
    // printed line, table columns 100 pt wide, numbers right-aligned in their
    // column, header cells centred over the columns they span.
    constexpr double kCol = 100, kChar = 10;
    PageLayout page;
    page.number = 1;
    page.width = 1000;
    page.height = 20.0 * (lines.size() + 2);
    double y = 0;
    for (const HtmlLine& l : lines) {
      TextLine tl;
      tl.y = (y += 20);
      tl.size = kChar;
      if (l.cells.empty()) {
        tl.words.push_back(TextWord{l.text, 20, 20 + kChar * Utf8Chars(l.text)});
      } else {
        for (const HtmlCell& c : l.cells) {
          double left = c.col * kCol, right = (c.col + c.span) * kCol - 4, w = kChar * Utf8Chars(c.text);
          // Kept inside the column, so words stay in column order.
          double x0 = left + 4, x1 = std::min(right, left + 4 + w);
          if (LooksNumeric(c.text)) x0 = std::max(left + 2, right - 0.6 * w), x1 = right;
          else if (c.header) x0 = std::max(left + 2, (left + right) / 2 - w / 2), x1 = std::min(right, x0 + w);
          tl.words.push_back(TextWord{c.text, x0, x1});
        }
      }
      page.lines.push_back(std::move(tl));
    }
    options.on_layout(page);
  }
  doc->pages.push_back({1, std::move(text)});
  doc->page_count = 1;
}

}  // namespace cnbudget
