#include "extractor/table_reader.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "extractor/rule_text.h"
#include "grammar/decimal.h"

namespace cnbudget {

namespace {

RE2::Options Opts() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

std::string NoSpaces(const std::string& s) {
  std::string o;
  for (char c : s)
    if (c != ' ' && c != '\t') o.push_back(c);
  return o;
}

// Quotes removed (“三公” / "三公" / 三公 are one title).
std::string NoQuotes(const std::string& s) {
  std::string o = s;
  for (const char* q : {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", "\"", "'"}) {
    std::string qs(q);
    size_t p;
    while ((p = o.find(qs)) != std::string::npos) o.erase(p, qs.size());
  }
  return o;
}

size_t Utf8Len(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool IsSingleCjk(const std::string& s) { return s.size() == 3 && static_cast<unsigned char>(s[0]) >= 0xE3; }

bool IsDash(const std::string& s) {
  return s == "-" || s == "--" || s == "\xE2\x80\x94" || s == "\xE2\x80\x94\xE2\x80\x94" || s == "\xE2\x94\x80" ||
         s == "\xE2\x80\x93" || s == "/" || s == "*";
}

bool IsNumber(const std::string& s) {
  static const RE2 re("-?[0-9]+(?:\\.[0-9]+)?");
  return RE2::FullMatch(s, re);
}

}  // namespace

struct FieldRule {
  std::string table, side;
  std::string row_kind;  // code | name | first | any
  std::unique_ptr<RE2> row_re, column_re, unless_re;
  std::string field;
};

struct TableGrammar::Impl {
  struct Title {
    std::string id;
    bool two_sided = false;
    std::vector<std::string> aliases;  // normalized, no quotes, no spaces
  };
  std::vector<Title> titles;
  std::unique_ptr<RE2> prefix, attribute, end;
  std::vector<FieldRule> rules;
};

TableGrammar::TableGrammar() : impl_(std::make_unique<Impl>()) {}
TableGrammar::~TableGrammar() = default;

std::unique_ptr<TableGrammar> TableGrammar::FromText(const std::string& tables_tsv, const std::string& fields_tsv,
                                                     std::string* error) {
  std::unique_ptr<TableGrammar> g(new TableGrammar);
  Impl& m = *g->impl_;
  Normalizer norm;
  auto fail = [&](const std::string& file, int line, const std::string& what) {
    *error = file + ":" + std::to_string(line) + ": " + what;
    return nullptr;
  };
  auto compile = [&](const std::string& pat, std::unique_ptr<RE2>* out) {
    *out = std::make_unique<RE2>(NoQuotes(NoSpaces(norm.NormalizeText(pat))), Opts());
    return (*out)->ok();
  };
  std::istringstream in(tables_tsv);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (TrimRuleText(line).empty() || line[0] == '#') continue;
    std::vector<std::string> cols = SplitRuleText(line, '\t');
    if (cols.size() < 3) return fail("tables.tsv", n, "expected id, sides, titles");
    std::string id = TrimRuleText(cols[0]);
    if (id == "@prefix" || id == "@attribute" || id == "@end") {
      std::unique_ptr<RE2>* slot = id == "@prefix" ? &m.prefix : id == "@attribute" ? &m.attribute : &m.end;
      if (!compile(cols[2], slot)) return fail("tables.tsv", n, "bad pattern: " + (*slot)->error());
      continue;
    }
    Impl::Title t;
    t.id = id;
    t.two_sided = TrimRuleText(cols[1]) == "two";
    for (const std::string& a : SplitRuleText(cols[2], '|')) {
      std::string al = NoQuotes(NoSpaces(norm.NormalizeText(TrimRuleText(a))));
      if (!al.empty()) t.aliases.push_back(al);
    }
    if (t.aliases.empty()) return fail("tables.tsv", n, "no titles");
    m.titles.push_back(std::move(t));
  }
  if (!m.prefix) return fail("tables.tsv", 0, "no @prefix line");
  std::istringstream fin(fields_tsv);
  n = 0;
  while (std::getline(fin, line)) {
    ++n;
    if (TrimRuleText(line).empty() || line[0] == '#') continue;
    std::vector<std::string> cols = SplitRuleText(line, '\t');
    if (cols.size() < 5) return fail("table_fields.tsv", n, "expected table, side, row, column, field[, unless]");
    FieldRule r;
    r.table = TrimRuleText(cols[0]);
    r.side = TrimRuleText(cols[1]);
    std::string row = TrimRuleText(cols[2]);
    size_t colon = row.find(':');
    r.row_kind = colon == std::string::npos ? row : row.substr(0, colon);
    if (r.row_kind != "code" && r.row_kind != "name" && r.row_kind != "first" && r.row_kind != "any")
      return fail("table_fields.tsv", n, "row must be code:RE, name:RE, first or any");
    if (colon != std::string::npos && !compile(row.substr(colon + 1), &r.row_re))
      return fail("table_fields.tsv", n, "bad row pattern");
    if (!compile(TrimRuleText(cols[3]), &r.column_re)) return fail("table_fields.tsv", n, "bad column pattern");
    r.field = TrimRuleText(cols[4]);
    if (cols.size() > 5 && !TrimRuleText(cols[5]).empty() && !compile(TrimRuleText(cols[5]), &r.unless_re))
      return fail("table_fields.tsv", n, "bad unless pattern");
    if (r.field.empty()) return fail("table_fields.tsv", n, "no field");
    m.rules.push_back(std::move(r));
  }
  return g;
}

std::unique_ptr<TableGrammar> TableGrammar::Load(const std::string& dir, std::string* error) {
  auto read = [&](const std::string& path, std::string* out) {
    std::ifstream in(path);
    if (!in) {
      *error = "cannot read grammar file " + path;
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
    return true;
  };
  std::string t, f;
  if (!read(dir + "/data/tables.tsv", &t) || !read(dir + "/data/table_fields.tsv", &f)) return nullptr;
  std::string err;
  auto g = FromText(t, f, &err);
  if (!g) *error = dir + "/data/" + err;
  return g;
}

// ---------------------------------------------------------------------------

namespace {

struct Tok {
  std::string text;  // normalized, no spaces
  double x0 = 0, x1 = 0;
  bool num = false;
  Decimal value;
  double cx() const { return (x0 + x1) / 2; }
};

struct Line {
  double y = 0, size = 10;
  std::vector<Tok> toks;
  std::string text;  // normalized, words joined by one space
  bool has_num() const {
    for (const Tok& t : toks)
      if (t.num) return true;
    return false;
  }
};

struct Column {
  double x0 = 0, x1 = 0;  // extent of its numbers
  bool code = false;
  std::string path;
  int seg = 0;
  double lo = 0, hi = 0;  // header region
};

struct Segment {
  int first = 0, last = -1;  // amount columns [first, last]
  double label_lo = -1e9, label_hi = 1e9;
  std::string side;
};

struct Phrase {
  std::string text;
  double x0, x1, y;
  std::set<int> cols;  // amount columns it heads
  int label_seg = -1;  // or the label area it heads
  bool dropped = false;
};

}  // namespace

struct TableReader::State {
  const TableGrammar::Impl& g;
  const Normalizer& norm;
  std::vector<TableRow> rows;
  std::vector<FoundTable> tables;

  // The open table.
  bool open = false;
  std::string id, title, unit, doc_unit;
  bool two_sided = false;
  int title_page = 0;
  size_t table_index = 0;
  // A title on the line right after another title is a list of tables (a
  // contents page without dot leaders), not a table: such titles are marked
  // and dropped at the end unless rows followed them.
  std::vector<bool> listed;
  int lines_since_title = -1;  // -1: no title yet
  bool first_row_done = false;
  bool header_seen = false;
  // Previous chunk's columns (for a page without a repeated header).
  std::vector<Column> prev_cols;
  std::vector<Segment> prev_segs;

  State(const TableGrammar::Impl& gi, const Normalizer& n) : g(gi), norm(n) {}

  std::string Norm(const std::string& s) const { return NoSpaces(norm.NormalizeText(s)); }

  std::string TitleId(const std::string& normalized) const {
    std::string s = NoQuotes(NoSpaces(normalized));
    if (s.find("\xE2\x80\xA6\xE2\x80\xA6") != std::string::npos || s.find("....") != std::string::npos) return "";
    if (Utf8Len(s) > 60) return "";
    re2::StringPiece sp(s);
    std::string core = s;
    if (RE2::Consume(&sp, *g.prefix)) core = std::string(sp.data(), sp.size());
    // A trailing parenthesis: （功能科目） / (单位：万元).
    std::string bare = core;
    if (!bare.empty() && bare.back() == ')') {
      size_t open_p = bare.rfind('(');
      if (open_p != std::string::npos && open_p > 0) bare = bare.substr(0, open_p);
    }
    std::string best;
    size_t best_len = 0;
    for (const auto& t : g.titles)
      for (const std::string& a : t.aliases) {
        if ((a == core || a == bare) && a.size() > best_len) {
          best = t.id;
          best_len = a.size();
        }
      }
    if (!best.empty()) return best;
    // A department name before the title: 上海市某局部门收支总表.
    for (const auto& t : g.titles)
      for (const std::string& a : t.aliases) {
        if (bare.size() > a.size() && bare.compare(bare.size() - a.size(), a.size(), a) == 0 && a.size() > best_len) {
          std::string head = bare.substr(0, bare.size() - a.size());
          static const RE2 money_words("支出|收入|预算|拨款|经费|决算|[,.:;，。：；、]");
          if (Utf8Len(head) <= 25 && !RE2::PartialMatch(head, money_words)) {
            best = t.id;
            best_len = a.size();
          }
        }
      }
    return best;
  }

  Line MakeLine(const TextLine& tl) const {
    Line l;
    l.y = tl.y;
    l.size = tl.size > 0 ? tl.size : 10;
    for (const TextWord& w : tl.words) {
      std::string t = Norm(w.text);
      if (t.empty()) continue;
      if (!l.text.empty()) l.text.push_back(' ');
      l.text += t;
      Tok k;
      k.text = t;
      k.x0 = w.x0;
      k.x1 = w.x1;
      std::string digits = t;
      digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
      if (IsNumber(digits)) {
        k.num = true;
        k.value = *Decimal::Parse(digits);
      }
      // A year and its 年 (2024 年基本支出) are a header, not a number.
      if (!l.toks.empty() && l.toks.back().num && t.rfind("\xE5\xB9\xB4", 0) == 0 && k.x0 - l.toks.back().x1 < l.size) {
        Tok& p = l.toks.back();
        p.text += t;
        p.x1 = k.x1;
        p.num = false;
        continue;
      }
      l.toks.push_back(std::move(k));
    }
    return l;
  }

  bool IsFrame(const std::string& t, std::string* unit) const {
    static const RE2 unit_re("单位[:：]?\\(?(万元|千元|亿元|元)");
    static const RE2 frame_re("^(?:编制部门|编制单位|单位名称|部门名称|部门|预算单位|填报单位|主管部门)[:：]");
    std::string u;
    bool has_unit = RE2::PartialMatch(t, unit_re, &u);
    if (has_unit) *unit = u;
    return has_unit || RE2::PartialMatch(t, frame_re);
  }

  bool IsEnd(const Line& l) const {
    std::string t = NoSpaces(l.text);
    if (g.end && RE2::PartialMatch(t, *g.end)) return true;
    // Prose: a sentence, a clause with commas, or one long run of text.
    for (const Tok& k : l.toks) {
      if (k.num) continue;
      if (k.text.find("\xE3\x80\x82") != std::string::npos) return true;
      if ((k.text.find(',') != std::string::npos || k.text.find(';') != std::string::npos) && Utf8Len(k.text) >= 8)
        return true;
    }
    if (l.has_num()) return false;
    double span = l.toks.back().x1 - l.toks.front().x0, ink = 0;
    for (const Tok& k : l.toks) ink += k.x1 - k.x0;
    return Utf8Len(t) >= 24 && span > 0 && ink >= 0.8 * span;
  }

  void Close() {
    open = false;
    prev_cols.clear();
    prev_segs.clear();
  }

  void Open(const std::string& tid, const std::string& t, int page) {
    Close();
    open = true;
    id = tid;
    title = t;
    unit = "";
    title_page = page;
    first_row_done = false;
    header_seen = false;
    for (const auto& tt : g.titles)
      if (tt.id == tid) two_sided = tt.two_sided;
    bool listing = lines_since_title == 0;
    if (listing && !listed.empty()) listed.back() = true;
    tables.push_back(FoundTable{tid, t, page, 0});
    listed.push_back(listing);
    table_index = tables.size() - 1;
    lines_since_title = 0;
  }

  void DropListings() {
    std::vector<FoundTable> kept;
    for (size_t i = 0; i < tables.size(); ++i)
      if (!listed[i] || tables[i].rows > 0) kept.push_back(tables[i]);
    tables = std::move(kept);
    listed.assign(tables.size(), false);
  }

  void AddPage(const PageLayout& page) {
    std::vector<Line> chunk;
    bool frame_done = false;
    static const bool debug = std::getenv("CNBUDGET_TABLE_DEBUG") != nullptr;
    for (const TextLine& tl : page.lines) {
      Line l = MakeLine(tl);
      if (l.toks.empty()) continue;
      if (debug) std::fprintf(stderr, "L p%d y=%.1f open=%d %s\n", page.number, l.y, open ? 1 : 0, l.text.c_str());
      std::string tid = l.has_num() ? "" : TitleId(l.text);
      if (!tid.empty()) {
        Flush(&chunk, page.number);
        Open(tid, NoSpaces(l.text), page.number);
        frame_done = false;
        continue;
      }
      if (lines_since_title >= 0) ++lines_since_title;
      if (!open) continue;
      std::string u;
      if (!frame_done && chunk.empty() && IsFrame(NoSpaces(l.text), &u)) {
        if (!u.empty()) {
          unit = u;
          doc_unit = u;
          header_seen = true;
        }
        continue;
      }
      if (IsEnd(l)) {
        Flush(&chunk, page.number);
        Close();
        continue;
      }
      frame_done = true;
      chunk.push_back(std::move(l));
    }
    Flush(&chunk, page.number);
  }

  // --- one table's lines on one page -------------------------------------

  void Flush(std::vector<Line>* chunk, int page) {
    if (!open || chunk->empty()) {
      chunk->clear();
      return;
    }
    std::vector<Line> lines = std::move(*chunk);
    chunk->clear();
    size_t b = 0;
    while (b < lines.size() && !lines[b].has_num()) ++b;
    if (b == lines.size()) return;  // header only, or an empty table
    std::vector<Line> header(lines.begin(), lines.begin() + static_cast<long>(b));
    std::vector<Line> body(lines.begin() + static_cast<long>(b), lines.end());
    double size = MedianSize(body);

    // Number columns: x extents of numbers, merged where they overlap.
    struct Iv {
      double x0, x1;
      size_t line, tok;
    };
    std::vector<Iv> ivs;
    for (size_t i = 0; i < body.size(); ++i)
      for (size_t k = 0; k < body[i].toks.size(); ++k)
        if (body[i].toks[k].num) ivs.push_back({body[i].toks[k].x0, body[i].toks[k].x1, i, k});
    std::sort(ivs.begin(), ivs.end(), [](const Iv& a, const Iv& b2) { return a.x0 < b2.x0; });
    std::vector<Column> cols;
    std::vector<std::vector<const Iv*>> members;
    for (const Iv& v : ivs) {
      if (!cols.empty() && v.x0 < cols.back().x1 - 0.05 * size) {
        cols.back().x1 = std::max(cols.back().x1, v.x1);
        members.back().push_back(&v);
      } else {
        Column c;
        c.x0 = v.x0;
        c.x1 = v.x1;
        cols.push_back(c);
        members.push_back({&v});
      }
    }
    // Code columns: integers that read as classification codes.
    static const RE2 code_re("[0-9]{1,7}");
    static const RE2 full_code_re("[1-9][0-9]{2}(?:[0-9]{2}){0,2}");
    // Integer amounts in 元 (2976800) look like codes too.  A code column is
    // placed like one (nothing but numbers before it on its line, its name
    // after), or headed 编码, or integers among amounts with decimals.
    static const RE2 code_header_re("编码|代码|科目编号");
    bool decimals = false;
    for (const Iv& v : ivs)
      if (body[v.line].toks[v.tok].text.find('.') != std::string::npos) decimals = true;
    for (size_t c = 0; c < cols.size(); ++c) {
      bool all = true, full = false, two = true, exact_two = true;
      size_t placed = 0;
      for (const Iv* v : members[c]) {
        const Line& l = body[v->line];
        const Tok& t = l.toks[v->tok];
        if (!RE2::FullMatch(t.text, code_re) || t.text.find(',') != std::string::npos) all = false;
        if (RE2::FullMatch(t.text, full_code_re)) full = true;
        if (t.text.size() > 2) two = false;  // 款/项 parts; some print 2 for 02
        if (t.text.size() != 2) exact_two = false;
        bool number_before = v->tok == 0 || l.toks[v->tok - 1].num;
        bool name_after = false;
        for (size_t k = v->tok + 1; k < l.toks.size() && !name_after; ++k)
          name_after = !l.toks[k].num && !IsDash(l.toks[k].text);
        if (number_before && name_after) ++placed;
      }
      bool code_header = false;
      for (const Line& h : header)
        for (const Tok& t : h.toks)
          if (!t.num && std::min(t.x1, cols[c].x1 + size) - std::max(t.x0, cols[c].x0 - size) > 0 &&
              RE2::PartialMatch(t.text, code_header_re))
            code_header = true;
      bool like_code = all && (full || two) && placed * 5 >= members[c].size() * 4;
      bool headed_code = all && (full || exact_two) && (code_header || decimals);
      cols[c].code = like_code || headed_code;
    }
    std::vector<Column> amount;
    std::vector<Column> codes;
    for (const Column& c : cols) (c.code ? codes : amount).push_back(c);
    if (amount.empty()) return;

    // Segments: a label area after an amount column starts a new side.
    auto gap_of = [&](double x) {
      int k = 0;
      while (k < static_cast<int>(amount.size()) && amount[k].x1 <= x + 0.1 * size) ++k;
      return k;
    };
    std::set<int> label_gaps = {0};
    for (const Line& l : body)
      for (const Tok& t : l.toks)
        if (!t.num && !IsDash(t.text)) label_gaps.insert(gap_of(t.x0));
    for (const Column& c : codes) label_gaps.insert(gap_of(c.x0));
    std::vector<Segment> segs;
    for (int k : label_gaps) {
      if (k >= static_cast<int>(amount.size())) continue;
      Segment s;
      s.first = k;
      segs.push_back(s);
    }
    for (size_t s = 0; s < segs.size(); ++s) {
      segs[s].last = s + 1 < segs.size() ? segs[s + 1].first - 1 : static_cast<int>(amount.size()) - 1;
      segs[s].label_lo = segs[s].first == 0 ? -1e9 : amount[segs[s].first - 1].x1 + 0.5 * size;
      for (int c = segs[s].first; c <= segs[s].last; ++c) amount[c].seg = static_cast<int>(s);
      // Label/number boundary: between the labels' right ends and the first numbers.
      double first_x0 = amount[segs[s].first].x0;
      double label_max = -1e9;
      for (const Line& l : body)
        for (const Tok& t : l.toks)
          if (!t.num && t.x0 >= segs[s].label_lo && t.x0 < first_x0) label_max = std::max(label_max, std::min(t.x1, first_x0));
      for (const Column& c : codes)
        if (c.x0 >= segs[s].label_lo && c.x0 < first_x0) label_max = std::max(label_max, c.x1);
      segs[s].label_hi = label_max > -1e9 ? (label_max + first_x0) / 2 : segs[s].label_lo;
    }
    double tol = 0.5 * size;
    for (size_t c = 0; c < amount.size(); ++c) {
      const Segment& s = segs[amount[c].seg];
      amount[c].lo = static_cast<int>(c) == s.first ? s.label_hi : amount[c - 1].x1 + tol;
      amount[c].hi = static_cast<int>(c) == s.last && amount[c].seg + 1 == static_cast<int>(segs.size())
                         ? 1e9
                         : (static_cast<int>(c) == s.last ? std::max(amount[c].x1 + tol, (amount[c].x1 + segs[amount[c].seg + 1].label_lo) / 2)
                                                          : amount[c].x1 + tol);
    }

    bool headed = ReadHeader(header, size, &amount, &segs);
    if (std::getenv("CNBUDGET_TABLE_DEBUG")) {
      std::fprintf(stderr, "== %s p%d size %.1f\n", title.c_str(), page, size);
      for (const Line& l : header) {
        std::fprintf(stderr, "  H y=%.1f", l.y);
        for (const Tok& t : l.toks) std::fprintf(stderr, " [%s %.0f-%.0f]", t.text.c_str(), t.x0, t.x1);
        std::fprintf(stderr, "\n");
      }
      for (const Column& c : amount)
        std::fprintf(stderr, "  C %.0f-%.0f region %.0f-%.0f seg %d %s\n", c.x0, c.x1, c.lo, c.hi, c.seg, c.path.c_str());
      for (const Segment& sg : segs) std::fprintf(stderr, "  S label %.0f-%.0f side %s\n", sg.label_lo, sg.label_hi, sg.side.c_str());
    }
    if (!headed) {
      if (!prev_cols.empty()) {
        for (Column& c : amount) {
          const Column* best = nullptr;
          for (const Column& p : prev_cols)
            if (!best || std::fabs(p.x1 - c.x1) < std::fabs(best->x1 - c.x1)) best = &p;
          if (best) c.path = best->path;
        }
        for (size_t s = 0; s < segs.size() && s < prev_segs.size(); ++s) segs[s].side = prev_segs[s].side;
      } else {
        for (Column& c : amount) c.path = "金额";
      }
    }
    // Two columns under one path (a header cell read twice, or a headless
    // page with more columns than the last header) stay two cells.
    for (size_t c = 1; c < amount.size(); ++c) {
      int n = 1;
      for (size_t d = 0; d < c; ++d)
        if (amount[d].seg == amount[c].seg && amount[d].path == amount[c].path) ++n;
      if (n > 1) amount[c].path += "#" + std::to_string(n);
    }
    if (segs.size() >= 2 || two_sided) {
      for (size_t s = 0; s < segs.size(); ++s)
        if (segs[s].side.empty()) segs[s].side = s == 0 ? "收入" : "支出";
    } else {
      for (Segment& s : segs) s.side.clear();
    }
    prev_cols = amount;
    prev_segs = segs;

    EmitRows(body, amount, codes, segs, size, page);
  }

  static double MedianSize(const std::vector<Line>& lines) {
    std::vector<double> v;
    for (const Line& l : lines) v.push_back(l.size);
    if (v.empty()) return 10;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  }

  // Header words above the body → column paths and sides.  False when no
  // header word heads an amount column.
  bool ReadHeader(const std::vector<Line>& header, double size, std::vector<Column>* amount,
                  std::vector<Segment>* segs) {
    std::vector<Phrase> ph;
    auto region_of = [&](double x) -> std::pair<int, int> {  // (column, label segment)
      for (size_t c = 0; c < amount->size(); ++c)
        if (x > (*amount)[c].lo && x <= (*amount)[c].hi) return {static_cast<int>(c), -1};
      for (size_t s = 0; s < segs->size(); ++s)
        if (x >= (*segs)[s].label_lo - 1 && x <= (*segs)[s].label_hi) return {-1, static_cast<int>(s)};
      return {-1, -1};
    };
    for (const Line& l : header) {
      // Distributed letters of one cell (项   目, 支      出, 人 员 经 费) are one word.
      // Letters of one cell spread over its width (项   目, 人 员 经 费) are one
      // word: single characters in one column region; and lone letters each
      // alone in its region (支      出 over a whole side).
      auto region_key = [&](const Tok& t) {
        auto r = region_of((t.x0 + t.x1) / 2);
        return r.first >= 0 ? r.first : -2 - r.second;
      };
      std::vector<Tok> words;
      std::vector<int> key, letters;
      std::vector<double> inner;  // even spacing of a word's letters
      for (const Tok& t : l.toks) {
        int k = region_key(t);
        if (!words.empty() && IsSingleCjk(t.text) && letters.back() > 0 && key.back() == k &&
            t.x0 - words.back().x1 < 6 * size) {
          if (letters.back() == 1) inner.back() = t.x0 - words.back().x1;
          words.back().text += t.text;
          words.back().x1 = t.x1;
          letters.back()++;
          continue;
        }
        words.push_back(t);
        key.push_back(k);
        letters.push_back(IsSingleCjk(t.text) ? 1 : 0);
        inner.push_back(-1);
      }
      auto alone = [&](size_t i) {
        if (letters[i] != 1) return false;
        for (size_t j = 0; j < words.size(); ++j)
          if (j != i && key[j] == key[i]) return false;
        return true;
      };
      auto near = [&](double a, double b) { return std::fabs(a - b) < 0.3 * std::max(a, b) + 0.2 * size; };
      std::vector<Tok> merged;
      std::vector<bool> merged_alone;
      std::vector<int> m_letters;
      std::vector<double> m_inner;
      for (size_t i = 0; i < words.size(); ++i) {
        bool a = alone(i);
        if (!merged.empty()) {
          double gap = words[i].x0 - merged.back().x1;
          bool both_alone = a && merged_alone.back() && gap < 8 * size;
          // Spread letters continuing over the next region at the same pitch.
          bool even = letters[i] > 0 && m_letters.back() > 0 && (letters[i] > 1 || m_letters.back() > 1) && (letters[i] == 1 || m_letters.back() == 1 || key[i] == -1) &&
                      (inner[i] < 0 || m_inner.back() < 0 || near(inner[i], m_inner.back())) &&
                      near(gap, inner[i] >= 0 ? inner[i] : m_inner.back());
          if (both_alone || even) {
            merged.back().text += words[i].text;
            merged.back().x1 = words[i].x1;
            m_letters.back() += letters[i];
            if (m_inner.back() < 0) m_inner.back() = inner[i] >= 0 ? inner[i] : gap;
            continue;
          }
        }
        merged.push_back(words[i]);
        merged_alone.push_back(a);
        m_letters.push_back(letters[i]);
        m_inner.push_back(inner[i]);
      }
      words = std::move(merged);
      for (const Tok& t : words) {
        Phrase p{t.text, t.x0, t.x1, l.y, {}, -1, false};
        auto r = region_of((t.x0 + t.x1) / 2);
        double w = std::max(0.1, t.x1 - t.x0);
        for (size_t c = 0; c < amount->size(); ++c) {
          double ov = std::min(t.x1, (*amount)[c].hi) - std::max(t.x0, (*amount)[c].lo);
          if (ov >= 0.15 * w && ov >= 0.5 * size) p.cols.insert(static_cast<int>(c));
        }
        if (r.first >= 0) p.cols.insert(r.first);
        if (r.first < 0) {
          if (p.cols.size() <= 1) p.cols.clear();
          p.label_seg = r.second;
        }
        ph.push_back(p);
      }
    }
    // Blank column: a region twice as wide as its neighbours holding two
    // header cells side by side; the left one heads a column with no numbers.
    std::vector<double> widths;
    for (const Column& c : *amount)
      if (c.hi < 1e8 && c.lo > -1e8) widths.push_back(c.hi - c.lo);
    double median_w = 0;
    if (!widths.empty()) {
      std::nth_element(widths.begin(), widths.begin() + widths.size() / 2, widths.end());
      median_w = widths[widths.size() / 2];
    }
    for (size_t c = 0; c < amount->size(); ++c) {
      const Column& col = (*amount)[c];
      double w = (col.hi < 1e8 ? col.hi : col.x1 + 0.5 * size) - col.lo;
      bool wide = median_w > 0 && w >= 1.6 * median_w;
      std::vector<Phrase*> single;
      for (Phrase& p : ph)
        if (p.cols.size() == 1 && *p.cols.begin() == static_cast<int>(c)) single.push_back(&p);
      double ncx = (col.x0 + col.x1) / 2;
      auto dist = [&](const Phrase* p) { return p->x1 < col.x0 ? col.x0 - p->x1 : (p->x0 > col.x1 ? p->x0 - col.x1 : 0.0) + 0.001 * std::fabs((p->x0 + p->x1) / 2 - ncx); };
      for (Phrase* a : single)
        for (Phrase* b : single) {
          if (a == b || a->dropped || b->dropped || std::fabs(a->y - b->y) > 0.5 * size || a->x1 > b->x0) continue;
          if (!wide && b->x0 - a->x1 < 1.0 * size) continue;
          // Two cells side by side over one column's numbers: the one farther
          // from the numbers heads a column left blank.
          Phrase* drop = dist(a) > dist(b) ? a : b;
          Phrase* keep = drop == a ? b : a;
          drop->dropped = true;
          double cd = (drop->x0 + drop->x1) / 2, ck = (keep->x0 + keep->x1) / 2;
          for (Phrase* o : single) {
            double co = (o->x0 + o->x1) / 2;
            if (o != drop && o != keep && std::fabs(co - cd) < std::fabs(co - ck)) o->dropped = true;
          }
        }
    }
    // A cell over several columns whose own words sit higher than the
    // neighbours' (基本支出 over 小计 / 人员经费 / 公用经费).
    for (size_t c = 0; c < amount->size(); ++c) {
      std::vector<Phrase*> single;
      for (Phrase& p : ph)
        if (!p.dropped && p.cols.size() == 1 && *p.cols.begin() == static_cast<int>(c)) single.push_back(&p);
      if (single.size() < 2) continue;
      std::sort(single.begin(), single.end(), [](const Phrase* a, const Phrase* b) { return a->y < b->y; });
      Phrase* top = single[0];
      double child_y = single[1]->y;
      if (child_y - top->y < 0.5 * size) continue;
      auto joins = [&](int n) {
        if (n < 0 || n >= static_cast<int>(amount->size()) || (*amount)[n].seg != (*amount)[c].seg) return false;
        double topmost = 1e18;
        bool any = false;
        for (const Phrase& p : ph) {
          if (p.dropped || !p.cols.count(n)) continue;
          if (p.y < child_y - 0.5 * size) return false;
          if (p.cols.size() == 1) {
            topmost = std::min(topmost, p.y);
            any = true;
          }
        }
        return any && std::fabs(topmost - child_y) < 0.6 * size;
      };
      std::set<int> ext = top->cols;
      for (int n = static_cast<int>(c) - 1; joins(n); --n) ext.insert(n);
      for (int n = static_cast<int>(c) + 1; joins(n); ++n) ext.insert(n);
      if (ext.size() > 1) top->cols = ext;
    }
    // A group cell (2023年"三公"经费 over 合计 … 运行费) is printed centred over
    // its group, so its words may overlap only the middle columns.  Widen it to
    // the largest run of columns centred under it that does not cut a lower
    // group in two; lower groups first, so higher ones see them whole.
    {
      auto extent = [&](int c) {
        // The cell's own header words when it has some: numbers are
        // right-aligned, header words centred.
        double lo = 1e18, hi = -1e18;
        for (const Phrase& p : ph)
          if (!p.dropped && p.cols.size() == 1 && *p.cols.begin() == c) {
            lo = std::min(lo, p.x0);
            hi = std::max(hi, p.x1);
          }
        if (lo > hi) return std::make_pair((*amount)[c].x0, (*amount)[c].x1);
        return std::make_pair(lo, hi);
      };
      std::vector<Phrase*> order;
      for (Phrase& p : ph)
        if (!p.dropped && !p.cols.empty()) order.push_back(&p);
      std::sort(order.begin(), order.end(), [](const Phrase* a, const Phrase* b) { return a->y > b->y; });
      for (Phrase* p : order) {
        bool has_children = false;
        for (const Phrase& q : ph)
          if (&q != p && !q.dropped && q.y > p->y + 0.5 * size && q.x1 > p->x0 && q.x0 < p->x1) has_children = true;
        if (!has_children) continue;
        int lo_c = *p->cols.begin(), hi_c = *p->cols.rbegin(), seg = (*amount)[lo_c].seg;
        double pc = (p->x0 + p->x1) / 2;
        int best_a = lo_c, best_b = hi_c;
        for (int a = lo_c; a >= 0 && (*amount)[a].seg == seg; --a)
          for (int b = hi_c; b < static_cast<int>(amount->size()) && (*amount)[b].seg == seg; ++b) {
            if (b - a <= best_b - best_a) continue;
            double x0 = extent(a).first, x1 = extent(b).second;
            if (std::fabs((x0 + x1) / 2 - pc) > 0.5 * size) continue;
            // Every column of the group is headed, and only below the group
            // cell (else it is a wrapped cell or a neighbour, not a group).
            bool below = true;
            for (int c = a; c <= b && below; ++c) {
              bool headed = false;
              for (const Phrase& q : ph)
                if (&q != p && !q.dropped && q.cols.size() == 1 && *q.cols.begin() == c) {
                  headed = true;
                  if (q.y <= p->y + 1.5 * size) below = false;
                }
              if (!headed) below = false;
            }
            if (!below) continue;
            bool cuts = false;
            for (const Phrase& q : ph) {
              if (&q == p || q.dropped || q.cols.size() < 2 || q.y <= p->y + 0.5 * size) continue;
              bool in = false, out = false;
              for (int c : q.cols) (c >= a && c <= b ? in : out) = true;
              if (in && out) cuts = true;
            }
            if (!cuts) {
              best_a = a;
              best_b = b;
            }
          }
        for (int c = best_a; c <= best_b; ++c) p->cols.insert(c);
      }
    }
    // Sides of a two-sided table, from the words over each side.
    if (segs->size() >= 2 || two_sided) {
      for (size_t s = 0; s < segs->size(); ++s) {
        double lo = (*segs)[s].label_lo, hi = (*amount)[(*segs)[s].last].hi;
        std::string words;
        for (const Phrase& p : ph) {
          double cx = (p.x0 + p.x1) / 2;
          if (cx >= lo && cx <= hi) words += p.text;
        }
        bool in = words.find("收入") != std::string::npos, out = words.find("支出") != std::string::npos;
        if (in != out) (*segs)[s].side = in ? "收入" : "支出";
      }
    }
    static const RE2 side_re("(?:本年|财政拨款)?(?:收入|支出)");
    bool any = false;
    for (size_t c = 0; c < amount->size(); ++c) {
      std::vector<const Phrase*> parents, leaf;
      for (const Phrase& p : ph) {
        if (p.dropped || !p.cols.count(static_cast<int>(c))) continue;
        if ((segs->size() >= 2 || two_sided) && RE2::FullMatch(p.text, side_re)) continue;
        (p.cols.size() > 1 ? parents : leaf).push_back(&p);
      }
      auto by_y = [](const Phrase* a, const Phrase* b) { return a->y < b->y || (a->y == b->y && a->x0 < b->x0); };
      std::sort(parents.begin(), parents.end(), [](const Phrase* a, const Phrase* b) {
        return a->cols.size() > b->cols.size() || (a->cols.size() == b->cols.size() && a->y < b->y);
      });
      std::sort(leaf.begin(), leaf.end(), by_y);
      std::string path;
      for (const Phrase* p : parents) path += (path.empty() ? "" : "/") + p->text;
      std::string lt;
      for (const Phrase* p : leaf) lt += p->text;
      if (!lt.empty()) path += (path.empty() ? "" : "/") + lt;
      if (lt.empty() && static_cast<int>(c) == (*segs)[(*amount)[c].seg].first) {
        // The side's first column headed from inside the label area (labels
        // reach under its header): the rightmost cell of a header line that
        // has several cells there.
        int seg = (*amount)[c].seg;
        const Phrase* best = nullptr;
        for (const Phrase& p : ph) {
          if (p.dropped || p.label_seg != seg) continue;
          int on_line = 0;
          for (const Phrase& q : ph)
            if (!q.dropped && q.label_seg == seg && std::fabs(q.y - p.y) < 0.5 * size) ++on_line;
          if (on_line < 2) continue;
          if (!best || p.y > best->y + 0.5 * size || (std::fabs(p.y - best->y) <= 0.5 * size && p.x1 > best->x1)) best = &p;
        }
        if (best && !RE2::PartialMatch(best->text, "名称|项目|科目|编码")) path += (path.empty() ? "" : "/") + best->text;
      }
      if (!path.empty()) any = true;
      (*amount)[c].path = path.empty() ? "金额" : path;
    }
    label_phrases_.clear();
    for (const Phrase& p : ph)
      if (p.label_seg >= 0 && !p.dropped) label_phrases_.push_back(p);
    return any;
  }
  std::vector<Phrase> label_phrases_;

  // --- rows ----------------------------------------------------------------

  struct Cell {
    std::string text;
    double x0, x1;
    std::vector<std::pair<double, std::string>> parts;  // (y, text) incl. wraps
  };

  bool IsAttribute(const Cell& c) const {
    if (!g.attribute) return false;
    std::string h;
    std::vector<const Phrase*> over;
    for (const Phrase& p : label_phrases_)
      if (std::min(p.x1, c.x1) - std::max(p.x0, c.x0) > 0) over.push_back(&p);
    std::sort(over.begin(), over.end(), [](const Phrase* a, const Phrase* b) { return a->y < b->y; });
    for (const Phrase* p : over) h += p->text;
    return !h.empty() && RE2::PartialMatch(h, *g.attribute);
  }

  void EmitRows(const std::vector<Line>& body, const std::vector<Column>& amount, const std::vector<Column>& codes,
                const std::vector<Segment>& segs, double size, int page) {
    struct Piece {
      std::vector<Cell> labels;
      std::string code;
      std::vector<std::pair<int, const Tok*>> cells;  // amount column, token
    };
    auto seg_of_x = [&](double x) {
      int s = 0;
      for (size_t k = 0; k < segs.size(); ++k)
        if (x >= segs[k].label_lo - 0.5 * size) s = static_cast<int>(k);
      return s;
    };
    auto col_of = [&](const Tok& t) {
      int best = -1;
      double bd = 1e18;
      for (size_t c = 0; c < amount.size(); ++c) {
        double d = t.x1 > amount[c].x1 + 0.1 * size ? t.x1 - amount[c].x1 : (t.x1 < amount[c].x0 ? amount[c].x0 - t.x1 : 0);
        if (t.x0 >= amount[c].x0 - 0.1 * size && t.x1 <= amount[c].x1 + 0.1 * size) d = 0;
        if (d < bd) {
          bd = d;
          best = static_cast<int>(c);
        }
      }
      return best;
    };
    auto is_code_tok = [&](const Tok& t) {
      for (const Column& c : codes)
        if (t.x0 >= c.x0 - 0.1 * size && t.x1 <= c.x1 + 0.1 * size) return true;
      return false;
    };
    std::vector<std::vector<Piece>> pieces(body.size(), std::vector<Piece>(segs.size()));
    std::vector<bool> numeric(body.size(), false);
    for (size_t i = 0; i < body.size(); ++i) {
      const Line& l = body[i];
      for (const Tok& t : l.toks) {
        if (IsDash(t.text)) continue;
        if (t.num && is_code_tok(t)) {
          std::string& code = pieces[i][seg_of_x(t.x0)].code;
          code += (!code.empty() && t.text.size() == 1 ? "0" : "") + t.text;
          numeric[i] = true;
          continue;
        }
        if (t.num) {
          int c = col_of(t);
          if (c >= 0) {
            pieces[i][amount[c].seg].cells.push_back({c, &t});
            numeric[i] = true;
          }
          continue;
        }
        Piece& p = pieces[i][seg_of_x(t.x0)];
        if (!p.labels.empty()) {
          Cell& q = p.labels.back();
          double gap = t.x0 - q.x1;
          if (gap < 0.8 * size || (IsSingleCjk(t.text) && Utf8Len(q.text) <= 3 && gap < 4 * size)) {
            q.text += t.text;
            q.x1 = t.x1;
            q.parts.back().second = q.text;
            continue;
          }
        }
        Cell cell{t.text, t.x0, t.x1, {{l.y, t.text}}};
        p.labels.push_back(cell);
      }
    }
    // One row printed at two baselines (a final account's 合计 2,336.91 603.14
    // over its 2,940.05): numeric lines closer than a line height whose
    // numbers fill different columns are one row.
    std::vector<std::string> joined(body.size());
    for (size_t i = 0; i + 1 < body.size(); ++i) {
      size_t j = i + 1;
      if (!numeric[i] || !numeric[j] || body[j].y - body[i].y >= 0.8 * size) continue;
      bool disjoint = true;
      for (size_t s = 0; s < segs.size() && disjoint; ++s) {
        for (const auto& a : pieces[i][s].cells)
          for (const auto& b : pieces[j][s].cells)
            if (a.first == b.first) disjoint = false;
        if (!pieces[i][s].code.empty() && !pieces[j][s].code.empty()) disjoint = false;
        if (!pieces[i][s].labels.empty() && !pieces[j][s].labels.empty()) disjoint = false;
      }
      if (!disjoint) continue;
      for (size_t s = 0; s < segs.size(); ++s) {
        Piece& to = pieces[i][s];
        Piece& from = pieces[j][s];
        to.cells.insert(to.cells.end(), from.cells.begin(), from.cells.end());
        if (to.code.empty()) to.code = from.code;
        for (Cell& c : from.labels) to.labels.push_back(c);
        std::sort(to.labels.begin(), to.labels.end(), [](const Cell& a, const Cell& b) { return a.x0 < b.x0; });
        from = Piece();
      }
      numeric[j] = false;
      joined[i] = body[i].text + " " + body[j].text;
      ++i;
    }
    // Pitch of numeric lines.
    std::vector<double> gaps;
    double last_y = -1e9;
    for (size_t i = 0; i < body.size(); ++i)
      if (numeric[i]) {
        if (last_y > -1e9) gaps.push_back(body[i].y - last_y);
        last_y = body[i].y;
      }
    double pitch = 2 * size;
    if (!gaps.empty()) {
      std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
      pitch = std::max(gaps[gaps.size() / 2], 1.0 * size);
    }
    static const RE2 numbering("^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十0-9]+[)）]|[0-9]+[.、])");
    // Wrapped labels: text-only lines join the numeric line next to them.
    for (size_t i = 0; i < body.size(); ++i) {
      if (numeric[i]) continue;
      for (size_t s = 0; s < segs.size(); ++s)
        for (const Cell& frag : pieces[i][s].labels) {
          auto overlaps = [&](size_t r) -> Cell* {
            for (Cell& c : pieces[r][s].labels)
              if (std::min(c.x1, frag.x1) - std::max(c.x0, frag.x0) > 0) return &c;
            return nullptr;
          };
          auto ok = [&](size_t r) { return numeric[r] && !pieces[r][s].cells.empty(); };
          std::optional<size_t> above, below;
          for (size_t r = i; r-- > 0;)
            if (numeric[r]) {
              above = r;
              break;
            }
          for (size_t r = i + 1; r < body.size(); ++r)
            if (numeric[r]) {
              below = r;
              break;
            }
          size_t target = body.size();
          bool before = false;
          double lim = 0.8 * pitch;
          bool numbered = RE2::PartialMatch(frag.text, numbering);
          // A cell centred on two lines leaves the numeric line's cell empty;
          // the nearer numeric line takes the fragment.
          double da = above ? body[i].y - body[*above].y : 1e18, db = below ? body[*below].y - body[i].y : 1e18;
          bool ca = above && ok(*above) && da < lim && !overlaps(*above) && !numbered;
          bool cb = below && ok(*below) && db < lim && !overlaps(*below) && !numbered;
          if (cb && (!ca || db <= da)) {
            target = *below;
            before = true;
          } else if (ca) {
            target = *above;
          } else if (above && ok(*above) && da < 1.4 * size && overlaps(*above) && !numbered) {
            target = *above;
          }
          if (target == body.size()) continue;
          Cell* c = overlaps(target);
          if (c) {
            c->parts.push_back({body[i].y, frag.text});
          } else {
            Cell n{frag.text, frag.x0, frag.x1, {{body[i].y, frag.text}}};
            auto& labels = pieces[target][s].labels;
            labels.push_back(n);
            std::sort(labels.begin(), labels.end(), [](const Cell& a, const Cell& b) { return a.x0 < b.x0; });
          }
          (void)before;
        }
    }
    for (size_t i = 0; i < body.size(); ++i) {
      if (!numeric[i]) continue;
      for (size_t s = 0; s < segs.size(); ++s) {
        Piece& p = pieces[i][s];
        if (p.cells.empty()) continue;
        const Piece* named = &p;
        // A label over two sides' columns (当年支出小计 … 27,664.22).
        if (p.labels.empty() && p.code.empty() && s > 0 && pieces[i][s - 1].cells.empty() &&
            !pieces[i][s - 1].labels.empty())
          named = &pieces[i][s - 1];
        TableRow row;
        RowRecord& r = row.record;
        r.table = title;
        r.side = segs[s].side;
        r.page = page;
        r.unit = unit.empty() ? doc_unit : unit;
        r.code = named->code;
        for (auto it = named->labels.rbegin(); it != named->labels.rend(); ++it) {
          if (named->labels.size() > 1 && IsAttribute(*it)) continue;
          std::vector<std::pair<double, std::string>> parts = it->parts;
          std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
          for (const auto& pt : parts) r.name += pt.second;
          break;
        }
        std::sort(p.cells.begin(), p.cells.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        int last = -1;
        for (const auto& [c, t] : p.cells) {
          if (c == last) continue;
          last = c;
          r.cells.push_back({amount[c].path, t->value});
        }
        row.table_id = id;
        row.text = joined[i].empty() ? body[i].text : joined[i];
        row.first = !first_row_done;
        first_row_done = true;
        tables[table_index].rows++;
        rows.push_back(std::move(row));
      }
    }
  }
};

TableReader::TableReader(const TableGrammar& grammar, const Normalizer& normalizer)
    : s_(std::make_unique<State>(grammar.impl(), normalizer)) {}
TableReader::~TableReader() = default;

void TableReader::AddPage(const PageLayout& page) { s_->AddPage(page); }
void TableReader::Finish() {
  s_->Close();
  s_->DropListings();
}
const std::vector<TableRow>& TableReader::rows() const { return s_->rows; }
const std::vector<FoundTable>& TableReader::tables() const { return s_->tables; }
std::string TableReader::MatchTitle(const std::string& line) const { return s_->TitleId(s_->Norm(line)); }

// ---------------------------------------------------------------------------

std::vector<FigureRecord> TableFigures(const TableGrammar& grammar, const std::vector<TableRow>& rows) {
  std::vector<FigureRecord> out;
  const auto& rules = grammar.impl().rules;
  // Column paths of each table (for `unless`).
  std::map<std::string, std::string> table_columns;
  for (const TableRow& r : rows)
    for (const auto& [k, v] : r.record.cells) table_columns[r.record.table + "#" + std::to_string(r.record.page)] += k + "|";
  std::set<std::string> done;  // table title + field: the first rule that fits wins
  for (const TableRow& row : rows) {
    const RowRecord& r = row.record;
    std::string name = NoQuotes(r.name);
    for (const FieldRule& rule : rules) {
      if (rule.table != row.table_id || (!rule.side.empty() && rule.side != r.side)) continue;
      if (rule.row_kind == "first" && !row.first) continue;
      if (rule.row_kind == "code" && (r.code.empty() || (rule.row_re && !RE2::FullMatch(r.code, *rule.row_re)))) continue;
      if (rule.row_kind == "name" && (!rule.row_re || !RE2::FullMatch(name, *rule.row_re))) continue;
      if (rule.unless_re &&
          RE2::PartialMatch(NoQuotes(table_columns[r.table + "#" + std::to_string(r.page)]), *rule.unless_re))
        continue;
      for (const auto& [path, value] : r.cells) {
        if (!RE2::PartialMatch(NoQuotes(path), *rule.column_re)) continue;
        std::string field = rule.field;
        size_t p = field.find("{code}");
        if (p != std::string::npos) field.replace(p, 6, r.code);
        std::string key = r.table + "#" + field;
        if (done.count(key)) break;
        done.insert(key);
        FigureRecord f;
        f.field = field;
        f.label = (!r.name.empty() && r.name != "合计") ? r.name : path.substr(path.rfind('/') + 1);
        f.value = value;
        f.unit = r.unit;
        f.section = {r.table};
        f.page = r.page;
        f.text = row.text;
        out.push_back(std::move(f));
        break;
      }
    }
  }
  return out;
}

}  // namespace cnbudget
