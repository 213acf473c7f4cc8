#include "grammar/engine.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

namespace cnbudget {
namespace {

struct Pos {
  int page;
  uint32_t raw;
};

// Text with the page and raw offset of every byte.
struct Stream {
  std::string text;
  std::vector<Pos> pos;
  void Append(const std::string& t, const std::vector<Pos>& p, size_t a, size_t b) {
    text.append(t, a, b - a);
    pos.insert(pos.end(), p.begin() + a, p.begin() + b);
  }
  void Clear() {
    text.clear();
    pos.clear();
  }
};

struct Line {
  std::string text;
  std::vector<Pos> pos;
};

bool IsAsciiWord(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(' ');
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(' ') - a + 1);
}

// Chinese numerals up to the hundreds (一, 十二, 两, 一百零五).
std::optional<std::string> ChineseNumber(const std::string& s) {
  static const std::map<std::string, int> kDigit = {{"零", 0}, {"〇", 0}, {"一", 1}, {"二", 2}, {"两", 2},
                                                    {"三", 3}, {"四", 4}, {"五", 5}, {"六", 6}, {"七", 7},
                                                    {"八", 8}, {"九", 9}};
  int total = 0, cur = 0;
  bool any = false;
  for (size_t i = 0; i < s.size();) {
    int32_t j = static_cast<int32_t>(i);
    UChar32 c;
    U8_NEXT(s.data(), j, static_cast<int32_t>(s.size()), c);
    std::string ch = s.substr(i, j - i);
    i = j;
    auto it = kDigit.find(ch);
    if (it != kDigit.end()) {
      cur = it->second;
      any = true;
    } else if (ch == "十") {
      total += (cur == 0 ? 1 : cur) * 10;
      cur = 0;
      any = true;
    } else if (ch == "百") {
      total += (cur == 0 ? 1 : cur) * 100;
      cur = 0;
      any = true;
    } else {
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  return std::to_string(total + cur);
}

// RE2's ^ only matches at the start of the whole text, so anchored matches
// at an offset run on the suffix; groups still point into `s`.
bool MatchAt(const RE2& re, const std::string& s, size_t at, re2::StringPiece* groups, int n) {
  if (at > s.size()) return false;
  re2::StringPiece rest(s.data() + at, s.size() - at);
  return re.Match(rest, 0, rest.size(), RE2::ANCHOR_START, groups, n);
}

struct Candidate {
  size_t start, end;
  std::string num, unit;
  bool bare = false, chinese = false;
};

struct Classification {
  size_t start, end;
  std::string code;   // resolved code, "" if a level is unknown
  std::string label;
};

// Figures of one mention (a combined total gives two).
using Group = std::vector<size_t>;

class Reader {
 public:
  Reader(const Grammar& g, const std::vector<PageInput>& pages, Extraction* out) : g_(g), pages_(pages), out_(out) {}

  void Run(const std::vector<Line>& lines, const std::vector<bool>& skip);

 private:
  const Grammar& g_;
  const std::vector<PageInput>& pages_;
  Extraction* out_;
  std::vector<std::pair<int, std::string>> path_;

  std::string Original(const std::vector<Pos>& pos) const;  // heading level, text
  std::string scope_ = "expenditure", breakdown_, parent_;
  int scope_level_ = 0;
  int in_heading_ = 0;  // heading level the scope was set at; a heading at or above it resets it
  std::string class_ctx_, kuan_ctx_;  // functional classification context
  std::string item_field_, item_label_;
  std::optional<size_t> item_figure_;  // first figure of the current numbered item
  std::string money_unit_ = "万元";
  Group last_group_;

  struct PendingPlan {
    Decimal value;
    std::string unit, field, label;
  };
  std::optional<PendingPlan> plan_;
  std::optional<Decimal> base_;

  int HeadingLevel(const std::string& t) const;
  void OnHeading(int level, const std::string& t);
  void Flush(Stream* s);
  void Sentence(const std::string& s, const std::vector<Pos>& pos);
  void ApplyTriggers(const std::string& s, size_t from, size_t to);
  std::vector<Classification> FindClassifications(const std::string& s);
  std::string Resolve(const LexEntry& e, std::vector<std::string>* fields) const;
  size_t Tails(const std::string& s, size_t at, const Group& group);
  bool ParseChange(const std::string& s, size_t at, size_t* end, Change* c) const;
  size_t Emit(const std::vector<std::string>& fields, const std::string& label, const Candidate& c,
              const std::string& s, const std::vector<Pos>& pos, Group* group);
  std::vector<std::string> Section() const {
    std::vector<std::string> out;
    for (auto& p : path_) out.push_back(p.second);
    return out;
  }
};

int Reader::HeadingLevel(const std::string& t) const {
  for (int level = 1; level <= 5; ++level) {
    const RE2* re = g_.rule("heading." + std::to_string(level));
    if (re && RE2::PartialMatch(t, *re)) return level;
  }
  return 0;
}

void Reader::ApplyTriggers(const std::string& s, size_t from, size_t to) {
  // Triggers in order of position; the last one of each kind wins.
  struct Hit {
    size_t at, len;
    const ContextTrigger* t;
  };
  std::vector<Hit> hits;
  for (const ContextTrigger& t : g_.triggers()) {
    re2::StringPiece m;
    size_t p = from;
    while (p < to && t.re->Match(s, p, to, RE2::UNANCHORED, &m, 1)) {
      size_t at = m.data() - s.data();
      hits.push_back({at, m.size(), &t});
      p = at + std::max<size_t>(m.size(), 1);
    }
  }
  std::sort(hits.begin(), hits.end(),
            [](const Hit& a, const Hit& b) { return a.at != b.at ? a.at < b.at : a.len > b.len; });
  size_t covered = 0;  // a phrase inside a longer one (财政拨款[支出预算总额]) does not count
  for (const Hit& h : hits) {
    if (h.at < covered) continue;
    covered = h.at + h.len;
    if (h.t->kind == "scope") {
      scope_ = h.t->value;
      scope_level_ = in_heading_ ? in_heading_ : (path_.empty() ? 0 : path_.back().first);
    } else if (h.t->kind == "breakdown") {
      breakdown_ = h.t->value;
      parent_.clear();
    } else if (h.t->kind == "reset") {
      breakdown_.clear();
      parent_.clear();
    }
  }
}

void Reader::OnHeading(int level, const std::string& t) {
  while (!path_.empty() && path_.back().first >= level) path_.pop_back();
  std::string text = t;
  size_t cut = text.find("。");
  if (cut != std::string::npos) text = text.substr(0, cut);
  if (text.size() > 120) text = text.substr(0, 120);
  path_.push_back({level, text});
  breakdown_.clear();
  parent_.clear();
  item_field_.clear();
  item_label_.clear();
  item_figure_.reset();
  plan_.reset();
  base_.reset();
  if (level <= 2) class_ctx_.clear(), kuan_ctx_.clear();
  if (level <= scope_level_) {
    scope_ = "expenditure";
    scope_level_ = 0;
  }
  in_heading_ = level;
  ApplyTriggers(text, 0, text.size());
  in_heading_ = 0;
}

std::vector<Classification> Reader::FindClassifications(const std::string& s) {
  std::vector<Classification> out;
  if (s.find("类)") == std::string::npos && s.find("款)") == std::string::npos && s.find("项)") == std::string::npos)
    return out;
  const RE2* re = g_.rule("classification");
  if (!re) return out;
  re2::StringPiece m[10];
  size_t p = 0;
  while (p < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[p]);
    size_t step = c < 0x80 ? 1 : (c >= 0xF0 ? 4 : (c >= 0xE0 ? 3 : 2));
    if (c < 0x80 || !MatchAt(*re, s, p, m, 10) || m[0].empty()) {
      p += step;
      continue;
    }
    auto grp = [&](const char* name) -> std::string {
      int idx = re->NamedCapturingGroups().at(name);
      return m[idx].data() ? std::string(m[idx].data(), m[idx].size()) : std::string();
    };
    std::string n1 = grp("n1"), c1 = grp("c1"), n2 = grp("n2"), c2 = grp("c2"), n3 = grp("n3"), c3 = grp("c3");
    bool lei = m[re->NamedCapturingGroups().at("n1")].data() != nullptr;
    bool kuan = m[re->NamedCapturingGroups().at("n2")].data() != nullptr;
    bool xiang = m[re->NamedCapturingGroups().at("n3")].data() != nullptr;
    Classification cl;
    cl.start = p;
    cl.end = p + m[0].size();
    cl.label = std::string(m[0].data(), m[0].size());
    // The leftmost start may take in words before the class name: use the
    // longest suffix that names a class.
    auto suffix_lookup = [&](const std::string& name, auto lookup) -> std::string {
      for (size_t k = 0; k < name.size(); ++k) {
        if ((static_cast<unsigned char>(name[k]) & 0xC0) == 0x80) continue;
        std::string code = lookup(name.substr(k));
        if (!code.empty()) {
          if (k > 0) cl.start = p + k, cl.label = cl.label.substr(k);
          return code;
        }
      }
      return "";
    };
    std::string code;
    if (lei) {
      // Jiangsu writes 公共安全(类)支出: the name without its 支出.
      auto cls = [&](const std::string& n) {
        std::string c = g_.ClassCode(n);
        return c.empty() ? g_.ClassCode(n + "支出") : c;
      };
      code = !c1.empty() ? c1 : suffix_lookup(n1, cls);
      class_ctx_ = code;
      kuan_ctx_.clear();
    } else {
      code = class_ctx_;
    }
    if (kuan) {
      std::string parent = code;
      code = parent.empty() ? "" : (!c2.empty() ? parent + c2 : g_.ChildCode(parent, n2));
      if (code.empty() && !parent.empty() && c2.empty()) code = g_.ChildCode(parent, n2 + "支出");
      if (code.empty() && !parent.empty() && !lei) code = suffix_lookup(n2, [&](const std::string& n) { return g_.ChildCode(parent, n); });
      kuan_ctx_ = code;
    } else if (xiang) {
      code = kuan_ctx_;
    }
    if (xiang) {
      std::string parent = code;
      code = parent.empty() ? "" : (!c3.empty() ? parent + c3 : g_.ChildCode(parent, n3));
      if (code.empty() && !parent.empty() && c3.empty()) code = g_.ChildCode(parent, n3 + "支出");
      if (code.empty() && !parent.empty() && !lei && !kuan)
        code = suffix_lookup(n3, [&](const std::string& n) { return g_.ChildCode(parent, n); });
    }
    cl.code = code;
    out.push_back(cl);
    p = cl.end;
  }
  return out;
}

std::string Reader::Resolve(const LexEntry& e, std::vector<std::string>* fields) const {
  std::string target = e.target;
  for (const auto& w : e.when) {
    if ((w.key == "parent" && w.value == parent_) || (w.key == "breakdown" && w.value == breakdown_)) {
      target = w.target;
      break;
    }
  }
  // An economic item under an economic breakdown is the class, whatever the parent.
  size_t p;
  while ((p = target.find("{scope}")) != std::string::npos) target.replace(p, 7, scope_);
  fields->clear();
  size_t a = 0;
  while (true) {
    size_t plus = target.find('+', a);
    fields->push_back(target.substr(a, plus == std::string::npos ? std::string::npos : plus - a));
    if (plus == std::string::npos) break;
    a = plus + 1;
  }
  return target;
}

bool Reader::ParseChange(const std::string& s, size_t at, size_t* end, Change* c) const {
  const RE2* re = g_.rule("change");
  if (!re) return false;
  re2::StringPiece m[16];
  int n = 1 + re->NumberOfCapturingGroups();
  if (n > 16) n = 16;
  if (!MatchAt(*re, s, at, m, n)) {
    re = g_.rule("change_compare");
    if (!re) return false;
    n = std::min(16, 1 + re->NumberOfCapturingGroups());
    if (!MatchAt(*re, s, at, m, n)) return false;
  }
  const auto& names = re->NamedCapturingGroups();
  auto grp = [&](const char* name) -> std::string {
    auto it = names.find(name);
    if (it == names.end() || it->second >= n || !m[it->second].data()) return "";
    return std::string(m[it->second].data(), m[it->second].size());
  };
  *c = Change();
  c->direction = g_.Direction(grp("verb"));
  if (c->direction.empty()) return false;
  c->basis = grp("basis");
  std::string amount = grp("amount"), unit = grp("unit"), pct = grp("pct");
  if (!amount.empty()) {
    if (unit == "%") {
      c->percent = Decimal::Parse(amount);
    } else {
      c->amount = Decimal::Parse(amount);
      c->unit = unit;
    }
  }
  if (!pct.empty()) c->percent = Decimal::Parse(pct);
  if (const RE2* bb = g_.rule("basis_base")) {
    std::string basis, base;
    if (RE2::FullMatch(c->basis, *bb, &basis, &base)) {
      c->basis = basis;
      c->base_value = Decimal::Parse(base);
    }
  }
  // "与上年相比" keeps only what is compared with.
  size_t cut = c->basis.find("相比");
  if (cut != std::string::npos) c->basis = c->basis.substr(0, cut);
  *end = at + m[0].size();
  return true;
}

// Comparison, share and completion clauses after a figure; returns where they end.
size_t Reader::Tails(const std::string& s, size_t at, const Group& group) {
  while (at < s.size()) {
    size_t end = at;
    Change c;
    std::string pct;
    if (ParseChange(s, at, &end, &c)) {
      if (base_ && !c.base_value) c.base_value = base_;
      base_.reset();
      for (size_t i : group)
        if (!out_->figures[i].change) out_->figures[i].change = c;
      at = end;
      continue;
    }
    re2::StringPiece m[3];
    if (const RE2* re = g_.rule("change_percent")) {
      if (MatchAt(*re, s, at, m, 3)) {
        std::string verb(m[1].data(), m[1].size());
        auto p = Decimal::Parse(std::string(m[2].data(), m[2].size()));
        for (size_t i : group) {
          FigureRecord& f = out_->figures[i];
          if (!f.change) {
            f.change = Change();
            std::string d = g_.Direction(verb);
            if (d.empty()) d = (verb.find("降") != std::string::npos || verb.find("减") != std::string::npos) ? "decrease" : "increase";
            f.change->direction = d;
          }
          if (!f.change->percent) f.change->percent = p;
        }
        at += m[0].size();
        continue;
      }
    }
    if (const RE2* re = g_.rule("share")) {
      if (MatchAt(*re, s, at, m, 2)) {
        auto p = Decimal::Parse(std::string(m[1].data(), m[1].size()));
        for (size_t i : group) out_->figures[i].share_percent = p;
        at += m[0].size();
        continue;
      }
    }
    if (const RE2* re = g_.rule("completion")) {
      if (MatchAt(*re, s, at, m, 2)) {
        auto p = Decimal::Parse(std::string(m[1].data(), m[1].size()));
        for (size_t i : group) {
          if (!out_->figures[i].plan) out_->figures[i].plan = Plan();
          out_->figures[i].plan->completion_percent = p;
        }
        at += m[0].size();
        continue;
      }
    }
    break;
  }
  return at;
}

// The sentence as extracted, before normalization, when it lies on one page.
std::string Reader::Original(const std::vector<Pos>& pos) const {
  if (pos.empty() || pos.front().page != pos.back().page) return "";
  for (const PageInput& p : pages_) {
    if (p.number != pos.front().page) continue;
    size_t a = pos.front().raw, b = pos.back().raw;
    if (a > b || b >= p.raw.size()) return "";
    // Extend b to the end of its UTF-8 character.
    ++b;
    while (b < p.raw.size() && (static_cast<unsigned char>(p.raw[b]) & 0xC0) == 0x80) ++b;
    return p.raw.substr(a, b - a);
  }
  return "";
}

size_t Reader::Emit(const std::vector<std::string>& fields, const std::string& label, const Candidate& c,
                    const std::string& s, const std::vector<Pos>& pos, Group* group) {
  group->clear();
  auto value = Decimal::Parse(c.num);
  if (!value) return 0;
  for (const std::string& field : fields) {
    FigureRecord f;
    f.field = field;
    f.label = label;
    f.value = *value;
    f.unit = c.unit;
    f.section = Section();
    f.page = c.start < pos.size() ? pos[c.start].page : (pos.empty() ? 0 : pos.back().page);
    f.text = s;
    f.original = Original(pos);
    group->push_back(out_->figures.size());
    out_->figures.push_back(std::move(f));
  }
  return group->size();
}

void Reader::Sentence(const std::string& s, const std::vector<Pos>& pos) {
  if (s.empty()) return;
  static const bool debug = std::getenv("CNBUDGET_DEBUG") != nullptr;
  if (debug) std::fprintf(stderr, "[sentence scope=%s bd=%s parent=%s] %s\n", scope_.c_str(), breakdown_.c_str(), parent_.c_str(), s.c_str());
  const RE2* value_re = g_.rule("value");
  const RE2* cn_re = g_.rule("cn_value");
  const RE2* bare_re = g_.rule("bare_value");
  std::vector<Candidate> cands;
  auto scan = [&](const RE2* re, bool bare, bool chinese) {
    if (!re) return;
    re2::StringPiece m[3];
    size_t p = 0;
    while (p < s.size() && re->Match(s, p, s.size(), RE2::UNANCHORED, m, 3)) {
      Candidate c;
      c.start = m[1].data() - s.data();
      c.end = c.start + m[1].size() + (m[2].data() ? m[2].size() : 0);
      c.num = std::string(m[1].data(), m[1].size());
      if (m[2].data()) c.unit = std::string(m[2].data(), m[2].size());
      c.bare = bare;
      c.chinese = chinese;
      // A number glued to a preceding digit run is not a new value.
      bool inside = c.start > 0 && (IsAsciiWord(static_cast<unsigned char>(s[c.start - 1])) || s[c.start - 1] == '.');
      if (!inside) cands.push_back(c);
      p = (m[0].data() - s.data()) + std::max<size_t>(m[0].size(), 1);
    }
  };
  scan(value_re, false, false);
  scan(cn_re, false, true);
  scan(bare_re, true, false);
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return a.start != b.start ? a.start < b.start : (!a.bare && b.bare);
  });

  // A sentence that opens with a comparison compares the figure just read
  // (公务接待费1.35万元。比2022年预算持平).
  {
    Change ch;
    size_t end = 0;
    if (!last_group_.empty() && ParseChange(s, 0, &end, &ch) && (cands.empty() || cands[0].start >= end)) {
      for (size_t i : last_group_)
        if (!out_->figures[i].change) out_->figures[i].change = ch;
    }
  }
  // A label and a comparison with no value (三公经费财政拨款支出决算数与2023年度持平)
  // compare the figure of that label read last.
  if (cands.empty()) {
    for (size_t p = 0; p < s.size(); ++p) {
      if (s.compare(p, 3, "与") != 0 && s.compare(p, 3, "较") != 0 && s.compare(p, 3, "比") != 0) continue;
      Change ch;
      size_t end = 0;
      if (!ParseChange(s, p, &end, &ch)) continue;
      auto lm = g_.MatchLabelBefore(Grammar::CleanLabel(s.substr(0, p)));
      if (!lm) break;
      std::vector<std::string> fields;
      Resolve(g_.entry(lm->entry), &fields);
      for (const std::string& field : fields)
        for (size_t i = out_->figures.size(); i > 0; --i)
          if (out_->figures[i - 1].field == field) {
            if (!out_->figures[i - 1].change) out_->figures[i - 1].change = ch;
            break;
          }
      break;
    }
  }
  std::vector<Classification> classes = FindClassifications(s);
  size_t next_class = 0;
  size_t consumed = 0, triggers_done = 0;
  const RE2* verb_end = g_.rule("verb_end");

  for (const Candidate& c : cands) {
    if (c.start < consumed) continue;
    ApplyTriggers(s, triggers_done, c.start);
    triggers_done = c.start;
    // Classification lines up to here.
    const Classification* cl = nullptr;
    while (next_class < classes.size() && classes[next_class].end <= c.start) {
      const Classification& k = classes[next_class++];
      std::string gap = s.substr(k.end, c.start - k.end);
      const RE2* gap_re = g_.rule("classification_gap");
      if (k.end >= consumed && gap_re && RE2::FullMatch(gap, *gap_re) && !c.bare && !c.chinese &&
          MoneyExponent(c.unit)) {
        cl = &k;
      } else if (!k.code.empty()) {
        item_field_ = scope_ + ".function." + k.code;
        item_label_ = k.label;
      }
    }
    std::string span_all = s.substr(consumed, c.start - consumed);
    size_t comma = span_all.rfind(',');
    std::string span = comma == std::string::npos ? span_all : span_all.substr(comma + 1);
    std::string clean = Grammar::CleanLabel(span);
    std::string after = s.substr(c.end);

    if (const RE2* t = g_.rule("threshold_after"); t && RE2::PartialMatch(after, *t)) continue;
    // Counts are whole numbers: "4.00台式计算机" is a table cell run into a label.
    if (!c.unit.empty() && !MoneyExponent(c.unit) && c.num.find('.') != std::string::npos) continue;
    if (const RE2* t = g_.rule("not_figure_before"); t && RE2::PartialMatch(span, *t)) continue;

    std::string num = c.num;
    if (c.chinese) {
      auto n = ChineseNumber(c.num);
      if (!n) continue;
      num = *n;
    }
    Candidate cand = c;
    cand.num = num;
    if (MoneyExponent(c.unit)) money_unit_ = c.unit;

    // A number right after a change verb is the amount of a comparison.
    if (verb_end && !c.bare && !c.chinese && RE2::PartialMatch(span, *verb_end)) {
      Change ch;
      size_t end = 0;
      bool found = false;
      for (size_t p = consumed; p < c.start && !found; ++p) {
        unsigned char b = static_cast<unsigned char>(s[p]);
        if (b < 0x80 || (b & 0xC0) == 0x80) continue;
        size_t e2;
        if (ParseChange(s, p, &e2, &ch) && e2 >= c.end) {
          end = e2;
          found = true;
        }
      }
      if (!found) continue;
      if (base_ && !ch.base_value) ch.base_value = base_;
      base_.reset();
      for (size_t i : last_group_)
        if (!out_->figures[i].change) out_->figures[i].change = ch;
      consumed = Tails(s, end, last_group_);
      continue;
    }

    std::vector<std::string> fields;
    std::string label;
    const LexEntry* entry = nullptr;
    if (cl) {
      if (cl->code.empty()) {
        fields = {"unclassified"};
      } else {
        fields = {scope_ + ".function." + cl->code};
        item_field_ = fields[0];
      }
      label = cl->label;
      item_label_ = label;
    } else if (const RE2* bm = g_.rule("base_marker"); bm && !c.bare && RE2::PartialMatch(span, *bm)) {
      base_ = Decimal::Parse(num);
      consumed = c.end;
      continue;
    } else if (const RE2* pm = g_.rule("plan_marker"); pm && !c.bare && RE2::PartialMatch(clean, *pm)) {
      std::string rest = clean;
      RE2::Replace(&rest, *pm, "");
      PendingPlan pp{*Decimal::Parse(num), c.unit, item_field_, item_label_};
      if (auto lm = g_.MatchLabelBefore(rest)) {
        std::vector<std::string> fs;
        Resolve(g_.entry(lm->entry), &fs);
        pp.field = fs[0];
        pp.label = lm->label;
      }
      if (!pp.field.empty()) plan_ = pp;
      consumed = c.end;
      continue;
    } else if (const RE2* am = g_.rule("actual_marker"); am && plan_ && RE2::FullMatch(clean, *am)) {
      fields = {plan_->field};
      label = plan_->label;
    } else if (const RE2* rm = g_.rule("restate_marker");
               rm && !item_field_.empty() && !c.bare && RE2::PartialMatch(clean, *rm) &&
               !g_.MatchLabelBefore(clean)) {
      fields = {item_field_};
      label = item_label_;
    } else {
      auto lm = g_.MatchLabelBefore(clean);
      if (lm && g_.entry(lm->entry).kind == "count" && !c.bare && MoneyExponent(c.unit)) lm.reset();
      if (lm && g_.entry(lm->entry).kind == "money" && !c.bare && !MoneyExponent(c.unit)) lm.reset();
      if (!lm && !c.bare && !MoneyExponent(c.unit)) lm = g_.MatchLabelAfter(Grammar::CleanLabel(after), clean);
      if (c.bare) {
        const RE2* bc = g_.rule("bare_connector");
        if (!lm || !bc || !RE2::PartialMatch(clean, *bc)) continue;
        const LexEntry& e = g_.entry(lm->entry);
        cand.unit = !e.unit.empty() ? e.unit : (e.kind == "money" ? money_unit_ : "");
        if (cand.unit.empty()) continue;
        cand.end = c.start + c.num.size();
      }
      if (c.chinese && !lm) continue;
      if (lm) {
        entry = &g_.entry(lm->entry);
        Resolve(*entry, &fields);
        label = lm->label;
      } else {
        fields = {"unclassified"};
        label = Trim(clean);
      }
    }
    Group group;
    Emit(fields, label, cand, s, pos, &group);
    if (group.empty()) continue;
    if (plan_ && fields.size() == 1 && fields[0] == plan_->field) {
      for (size_t i : group) {
        Plan p;
        p.value = plan_->value;
        p.unit = plan_->unit;
        out_->figures[i].plan = p;
      }
      plan_.reset();
    }
    if (entry && !entry->sets.empty()) parent_ = entry->sets;
    if (!fields.empty() && fields[0] != "unclassified" && !item_figure_ && fields[0] == item_field_)
      item_figure_ = group[0];
    last_group_ = group;
    consumed = Tails(s, cand.end, group);
    // A restated item figure passes its comparison to the item's first statement.
    if (item_figure_ && group[0] != *item_figure_ && out_->figures[group[0]].field == out_->figures[*item_figure_].field &&
        out_->figures[group[0]].change && !out_->figures[*item_figure_].change)
      out_->figures[*item_figure_].change = out_->figures[group[0]].change;
  }
  ApplyTriggers(s, triggers_done, s.size());
  // Classifications with no value of their own head the item (年初预算为… follows).
  for (; next_class < classes.size(); ++next_class) {
    if (classes[next_class].code.empty()) continue;
    item_field_ = scope_ + ".function." + classes[next_class].code;
    item_label_ = classes[next_class].label;
  }

  // Statements of none.  A table's note (故本表为空表) speaks of that table,
  // not of the document's figure.
  if (s.find("本表") != std::string::npos) return;
  for (const NoneRule& r : g_.none_rules()) {
    re2::StringPiece m;
    std::string clean = Grammar::CleanLabel(s);
    if (!r.re->Match(clean, 0, clean.size(), RE2::UNANCHORED, &m, 1)) continue;
    Candidate c{0, 0, "0", money_unit_};
    Group group;
    Emit({r.field}, std::string(m.data(), m.size()), c, s, pos, &group);
  }
}

void Reader::Flush(Stream* st) {
  const std::string& t = st->text;
  size_t start = 0;
  auto is_end = [&](size_t i, size_t* len) {
    if (t.compare(i, 3, "。") == 0) return *len = 3, true;
    if (t[i] == ';' || t[i] == '!' || t[i] == '?') return *len = 1, true;
    return false;
  };
  for (size_t i = 0; i <= t.size(); ++i) {
    size_t len = 0;
    if (i == t.size() || is_end(i, &len)) {
      if (i > start) {
        std::string s = Trim(t.substr(start, i - start));
        size_t lead = t.find_first_not_of(' ', start);
        std::vector<Pos> p(st->pos.begin() + std::min(lead, i), st->pos.begin() + i);
        Sentence(s, p);
      }
      start = i + (len ? len : 1);
      if (len) i += len - 1;
    }
  }
  st->Clear();
  last_group_.clear();
}

bool CountNumbers(const std::string& t, int need) {
  int n = 0;
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && t[i] == ' ') ++i;
    size_t j = i;
    while (j < t.size() && t[j] != ' ') ++j;
    std::string tok = t.substr(i, j - i);
    if (!tok.empty() && tok.find_first_not_of("0123456789.,-") == std::string::npos &&
        tok.find_first_of("0123456789") != std::string::npos)
      if (++n >= need) return true;
    i = j;
  }
  return false;
}

void Reader::Run(const std::vector<Line>& lines, const std::vector<bool>& skip) {
  Stream st;
  const RE2* toc = g_.rule("toc_line");
  const RE2* meta = g_.rule("table_meta");
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    std::string t = Trim(l.text);
    if (skip[i]) {
      Flush(&st);
      continue;
    }
    if (t.empty()) continue;
    if ((toc && RE2::PartialMatch(t, *toc)) || (meta && RE2::PartialMatch(t, *meta)) || CountNumbers(t, 2)) {
      static const bool debug = std::getenv("CNBUDGET_DEBUG") != nullptr;
      if (debug) std::fprintf(stderr, "[not prose] %s\n", t.c_str());
      Flush(&st);
      continue;
    }
    int level = HeadingLevel(t);
    if (level > 0) {
      Flush(&st);
      OnHeading(level, t);
    }
    size_t a = l.text.find_first_not_of(' ');
    size_t b = l.text.find_last_not_of(' ') + 1;
    if (!st.text.empty() && IsAsciiWord(static_cast<unsigned char>(st.text.back())) &&
        IsAsciiWord(static_cast<unsigned char>(l.text[a]))) {
      st.text.push_back(' ');
      st.pos.push_back(l.pos[a]);
    }
    st.Append(l.text, l.pos, a, b);
    // A heading that is only a title is a sentence of its own, so it does not
    // glue onto the text under it.
    if (level > 0 && level <= 3 && t.find("。") == std::string::npos && t.find(',') == std::string::npos &&
        t.find(':') == std::string::npos && t.find("类)") == std::string::npos &&
        t.find("款)") == std::string::npos && t.find("项)") == std::string::npos && t.size() <= 120)
      Flush(&st);
  }
  Flush(&st);
}

// Project blocks: returns which lines they cover.
std::vector<bool> ReadProjects(const Grammar& g, const std::vector<Line>& lines, std::vector<ProjectRecord>* out) {
  std::vector<bool> skip(lines.size(), false);
  const RE2* section = g.rule("project_section");
  const RE2* name_re = g.rule("project_name");
  const RE2* key_re = g.rule("project_key");
  const RE2* ind_re = g.rule("project_indicator");
  const RE2* enum_re = g.rule("enumeration");
  const RE2* value_re = g.rule("value");
  const RE2* toc = g.rule("toc_line");
  if (!section || !name_re || !key_re || !ind_re || !enum_re || !value_re) return skip;
  bool in_section = false;
  std::optional<ProjectRecord> cur;
  std::string pending_key, budget_text;
  // A section that names no project lists them in its 年度预算安排
  // (信息化系统日常维护费166.66万元,中介机构服务费418.80万元): one project each.
  static const RE2 kItem(R"((?:^|[,;、:])(?P<name>[^,;、:。\d]{2,40}?)(?P<num>\d+(?:\.\d+)?)(?P<unit>亿元|万元|千元|元))");
  auto close = [&]() {
    if (cur && !cur->name.empty()) {
      out->push_back(*cur);
    } else if (cur) {
      re2::StringPiece in(budget_text);
      std::string name, num, unit;
      while (RE2::FindAndConsume(&in, kItem, &name, &num, &unit)) {
        ProjectRecord p = *cur;
        p.name = name;
        p.value = Decimal::Parse(num);
        p.unit = unit;
        out->push_back(p);
      }
    }
    cur.reset();
    pending_key.clear();
    budget_text.clear();
  };
  auto set_key = [&](const std::string& key, const std::string& val) {
    if (!cur || val.empty()) return false;
    if (key == "实施主体") {
      cur->implementer = val;
    } else if (key == "实施周期") {
      cur->period = val;
    } else if (key == "年度预算安排" || key == "预算安排" || key == "项目资金") {
      budget_text += val;
      std::string num, unit;
      if (!RE2::PartialMatch(val, *value_re, &num, &unit) || !MoneyExponent(unit)) return false;
      cur->value = Decimal::Parse(num);
      cur->unit = unit;
    } else {
      return true;  // a key whose text we do not keep
    }
    return true;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string t = Trim(lines[i].text);
    if (t.empty()) continue;
    if (toc && RE2::PartialMatch(t, *toc)) continue;
    std::string body = t;
    RE2::Replace(&body, *enum_re, "");
    body = Trim(body);
    std::string key, rest, name, kind, text;
    bool is_key = RE2::FullMatch(body, *key_re, &key, &rest);
    if (RE2::PartialMatch(t, *section) && !is_key) {
      close();
      in_section = true;
      if (!RE2::FullMatch(Grammar::CleanLabel(body), *name_re, &name)) {
        cur = ProjectRecord();  // named later, or by its budget lines
        cur->page = lines[i].pos.empty() ? 0 : lines[i].pos[0].page;
        skip[i] = true;
        continue;
      }
    }
    if (!in_section) continue;
    int level = 0;
    for (int k = 1; k <= 3 && !level; ++k)
      if (const RE2* h = g.rule("heading." + std::to_string(k)); h && RE2::PartialMatch(t, *h)) level = k;
    if (RE2::FullMatch(Grammar::CleanLabel(body), *name_re, &name)) {
      close();
      cur = ProjectRecord();
      cur->name = name;
      cur->page = lines[i].pos.empty() ? 0 : lines[i].pos[0].page;
      skip[i] = true;
      continue;
    }
    if (!cur) continue;
    if (is_key) {
      skip[i] = true;
      if (!set_key(key, Trim(rest)) || Trim(rest).empty()) pending_key = key;
      else pending_key.clear();
      continue;
    }
    if (RE2::FullMatch(body, *ind_re, &kind, &text)) {
      cur->indicators.push_back({kind, Trim(text)});
      skip[i] = true;
      continue;
    }
    if (level > 0 && !RE2::PartialMatch(t, *section)) {
      // A heading that is no part of a project ends the project section.
      close();
      in_section = false;
      continue;
    }
    if (!pending_key.empty()) {
      if (set_key(pending_key, body)) pending_key.clear();
    }
    skip[i] = true;
  }
  close();
  return skip;
}

// Equal amounts compare equal however written: 0.00万元 and 0万元, 1.2万元 and 12000元.
std::string SameValueKey(const FigureRecord& f) {
  auto e = MoneyExponent(f.unit);
  return e ? f.value.Shift(*e).text() + "元" : f.value.Shift(0).text() + f.unit;
}

}  // namespace

Extraction FigureEngine::Extract(const std::vector<PageInput>& pages) const {
  std::vector<Line> lines;
  for (const PageInput& p : pages) {
    const std::string& t = p.text.text;
    size_t a = 0;
    while (a <= t.size()) {
      size_t b = t.find('\n', a);
      if (b == std::string::npos) b = t.size();
      Line l;
      // Quotes are dropped here so labels and classifications read through them.
      std::string seg = t.substr(a, b - a);
      for (size_t k = a; k < b;) {
        static const char* kQuotes[] = {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", "\""};
        bool q = false;
        for (const char* qs : kQuotes) {
          size_t n = std::char_traits<char>::length(qs);
          if (t.compare(k, n, qs) == 0) {
            k += n;
            q = true;
            break;
          }
        }
        if (q) continue;
        l.text.push_back(t[k]);
        l.pos.push_back({p.number, k < p.text.source.size() ? p.text.source[k] : 0});
        ++k;
      }
      lines.push_back(std::move(l));
      if (b == t.size()) break;
      a = b + 1;
    }
  }
  Extraction out;
  std::vector<bool> skip = ReadProjects(g_, lines, &out.projects);
  Reader reader(g_, pages, &out);
  reader.Run(lines, skip);
  // A figure restated (prose, summary, table) is one figure: what one
  // statement adds (a comparison, a plan, a share) holds for the others.
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> same;
  for (size_t i = 0; i < out.figures.size(); ++i)
    if (out.figures[i].field != "unclassified")
      same[{out.figures[i].field, SameValueKey(out.figures[i])}].push_back(i);
  for (auto& [key, idx] : same) {
    if (idx.size() < 2) continue;
    std::optional<Change> change;
    std::optional<Plan> plan;
    std::optional<Decimal> share;
    for (size_t i : idx) {
      const FigureRecord& f = out.figures[i];
      if (!change && f.change) change = f.change;
      if (!plan && f.plan) plan = f.plan;
      if (!share && f.share_percent) share = f.share_percent;
    }
    for (size_t i : idx) {
      FigureRecord& f = out.figures[i];
      if (!f.change) f.change = change;
      if (!f.plan) f.plan = plan;
      if (!f.share_percent) f.share_percent = share;
    }
  }
  // The text a figure came from, in the extracted text, for provenance.
  return out;
}

}  // namespace cnbudget
