#include "grammar/lexicon.h"

#include <fstream>

#include "extractor/normalizer.h"
#include "extractor/rule_text.h"
#include "extractor/table_reader.h"

namespace cnbudget {
namespace {

bool ReadLines(const std::string& path, std::vector<std::string>* lines, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read grammar file " + path;
    return false;
  }
  std::string line;
  while (std::getline(in, line)) lines->push_back(line);
  return true;
}

// Expands {NAME} macros from `defs`; unknown names are left alone (RE2
// repetition braces like {0,30} contain digits and never name a macro).
std::string Expand(const std::string& pattern, const std::map<std::string, std::string>& defs) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close != std::string::npos) {
        auto it = defs.find(pattern.substr(i + 1, close - i - 1));
        if (it != defs.end()) {
          out += "(?:" + it->second + ")";
          i = close;
          continue;
        }
      }
    }
    out.push_back(pattern[i]);
  }
  return out;
}

RE2::Options Opts() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

}  // namespace

struct GrammarLoader {
  Grammar* g;
  std::string dir;
  std::string* error;
  Normalizer norm;

  bool Fail(const std::string& file, int line, const std::string& what) {
    *error = dir + "/" + file + ":" + std::to_string(line) + ": " + what;
    return false;
  }

  bool LoadRules(const std::string& file) {
    std::vector<std::string> lines;
    if (!ReadLines(dir + "/" + file, &lines, error)) return false;
    std::map<std::string, std::string>& defs = g->rule_text_;
    for (size_t n = 0; n < lines.size(); ++n) {
      std::string line = TrimRuleText(lines[n]);
      if (line.empty() || line[0] == '#') continue;
      size_t eq = line.find(" = ");
      if (eq == std::string::npos) return Fail(file, n + 1, "expected `NAME = pattern`");
      std::string name = TrimRuleText(line.substr(0, eq));
      std::string pat = Expand(norm.NormalizeText(TrimRuleText(line.substr(eq + 3))), defs);
      // NFKC keeps ASCII; the normalizer only removes spaces next to CJK, which
      // rule patterns never need.
      defs[name] = pat;
      auto re = std::make_unique<RE2>(pat, Opts());
      if (!re->ok()) return Fail(file, n + 1, "bad RE2 pattern for " + name + ": " + re->error());
      if (name.rfind("direction.", 0) == 0) {
        for (const std::string& v : SplitRuleText(pat, '|'))
          if (!v.empty()) g->verbs_.push_back({v, name.substr(10)});
      }
      g->rules_[name] = std::move(re);
    }
    return true;
  }

  std::string Alias(const std::string& a) {
    if (a.rfind("re:", 0) == 0) return a.substr(3);
    return RE2::QuoteMeta(Grammar::CleanLabel(norm.NormalizeText(a)));
  }

  bool AddEntry(std::unique_ptr<LexEntry> e, const std::vector<std::string>& aliases, const std::string& file,
                int line, std::vector<std::string>* before, std::vector<std::string>* after) {
    int index = static_cast<int>(g->entries_.size());
    const std::string& connector = g->rule_text_["connector"];
    for (const std::string& a : aliases) {
      if (TrimRuleText(a).empty()) continue;
      std::string alias = Alias(TrimRuleText(a));
      if (e->after) {
        std::string p = "^(?P<l>" + alias + ")";
        auto re = std::make_unique<RE2>(p, Opts());
        if (!re->ok()) return Fail(file, line, "bad alias " + a + ": " + re->error());
        after->push_back(p);
        g->after_re_.push_back(std::move(re));
        g->after_entry_.push_back(index);
      } else {
        std::string p = "(?P<l>" + alias + ")(?:" + connector + ")$";
        auto re = std::make_unique<RE2>(p, Opts());
        if (!re->ok()) return Fail(file, line, "bad alias " + a + ": " + re->error());
        before->push_back(p);
        g->before_re_.push_back(std::move(re));
        g->before_entry_.push_back(index);
      }
    }
    g->entries_.push_back(std::move(e));
    return true;
  }

  bool LoadLexicon(std::vector<std::string>* before, std::vector<std::string>* after) {
    const std::string file = "rules/lexicon.tsv";
    std::vector<std::string> lines;
    if (!ReadLines(dir + "/" + file, &lines, error)) return false;
    for (size_t n = 0; n < lines.size(); ++n) {
      if (TrimRuleText(lines[n]).empty() || lines[n][0] == '#') continue;
      std::vector<std::string> cols = SplitRuleText(lines[n], '\t');
      if (cols.size() < 3) return Fail(file, n + 1, "expected target, aliases, kind[, options]");
      auto e = std::make_unique<LexEntry>();
      e->target = TrimRuleText(cols[0]);
      e->kind = TrimRuleText(cols[2]);
      if (e->kind != "money" && e->kind != "count") return Fail(file, n + 1, "kind must be money or count");
      std::string opts = cols.size() > 3 ? cols[3] : "";
      for (const std::string& o : SplitRuleText(opts, ' ')) {
        if (o.empty()) continue;
        if (o == "after") {
          e->after = true;
        } else if (o.rfind("sets=", 0) == 0) {
          e->sets = o.substr(5);
        } else if (o.rfind("unit=", 0) == 0) {
          e->unit = norm.NormalizeText(o.substr(5));
        } else if (o.rfind("cue=", 0) == 0) {
          e->cue = std::make_unique<RE2>("(?:" + norm.NormalizeText(o.substr(4)) + ")$", Opts());
          if (!e->cue->ok()) return Fail(file, n + 1, "bad cue: " + e->cue->error());
        } else if (o.rfind("when=", 0) == 0) {
          std::string w = o.substr(5);  // key=value:target
          size_t eq = w.find('='), colon = w.find(':');
          if (eq == std::string::npos || colon == std::string::npos || colon < eq)
            return Fail(file, n + 1, "when= needs key=value:field");
          e->when.push_back({w.substr(0, eq), w.substr(eq + 1, colon - eq - 1), w.substr(colon + 1)});
        } else {
          return Fail(file, n + 1, "unknown option " + o);
        }
      }
      if (!AddEntry(std::move(e), SplitRuleText(cols[1], '|'), file, n + 1, before, after)) return false;
    }
    return true;
  }

  bool LoadCodes(std::vector<std::string>* before, std::vector<std::string>* after) {
    // National functional classification; class names become labels too.
    std::vector<std::string> lines;
    std::string ignored;
    std::map<std::string, std::vector<std::string>> class_names;
    if (ReadLines(dir + "/data/function_codes.tsv", &lines, &ignored)) {
      for (const std::string& l : lines) {
        if (l.empty() || l[0] == '#') continue;
        std::vector<std::string> cols = SplitRuleText(l, '\t');
        if (cols.size() < 2) continue;
        std::string code = TrimRuleText(cols[0]), name = Grammar::CleanLabel(norm.NormalizeText(TrimRuleText(cols[1])));
        if (code.size() == 3 && code[0] == '*') {
          g->generic_items_[name] = code.substr(1);
          continue;
        }
        if (code.empty() || name.empty() || code.find_first_not_of("0123456789") != std::string::npos) continue;
        if (code.size() == 3) {
          g->class_by_name_.emplace(name, code);
          class_names[code].push_back(name);
        } else if (code.size() == 5 || code.size() == 7) {
          g->child_by_name_.emplace(std::make_pair(code.substr(0, code.size() - 2), name), code);
        }
      }
    }
    // fields.tsv names the classes as well.
    lines.clear();
    if (ReadLines(dir + "/data/fields.tsv", &lines, &ignored)) {
      for (const std::string& l : lines) {
        if (l.empty() || l[0] == '#') continue;
        std::vector<std::string> cols = SplitRuleText(l, '\t');
        if (cols.empty()) continue;
        g->known_fields_.push_back(cols[0]);
        const std::string prefix = "expenditure.function.";
        if (cols.size() > 2 && cols[0].rfind(prefix, 0) == 0) {
          std::string code = cols[0].substr(prefix.size());
          std::string name = Grammar::CleanLabel(norm.NormalizeText(cols[2]));
          if (g->class_by_name_.emplace(name, code).second) class_names[code].push_back(name);
        }
      }
    }
    for (auto& [code, names] : class_names) {
      auto e = std::make_unique<LexEntry>();
      e->target = "{scope}.function." + code;
      e->kind = "money";
      if (!AddEntry(std::move(e), names, "data/function_codes.tsv", 0, before, after)) return false;
    }
    return true;
  }

  bool LoadTsv(const std::string& file, int min_cols, std::vector<std::vector<std::string>>* rows) {
    std::vector<std::string> lines;
    if (!ReadLines(dir + "/" + file, &lines, error)) return false;
    for (size_t n = 0; n < lines.size(); ++n) {
      if (TrimRuleText(lines[n]).empty() || lines[n][0] == '#') continue;
      std::vector<std::string> cols = SplitRuleText(lines[n], '\t');
      if (static_cast<int>(cols.size()) < min_cols) return Fail(file, n + 1, "too few columns");
      rows->push_back(cols);
    }
    return true;
  }

  bool Run() {
    if (!LoadRules("rules/figure.rules") || !LoadRules("rules/change.rules")) return false;
    std::vector<std::string> before, after;
    if (!LoadLexicon(&before, &after) || !LoadCodes(&before, &after)) return false;
    auto build = [&](const std::vector<std::string>& pats, RE2::Anchor anchor, std::unique_ptr<RE2::Set>* out) {
      *out = std::make_unique<RE2::Set>(Opts(), anchor);
      for (const std::string& p : pats) {
        std::string err;
        if ((*out)->Add(p, &err) < 0) return Fail("rules/lexicon.tsv", 0, "alias pattern " + p + ": " + err);
      }
      if (!(*out)->Compile()) return Fail("rules/lexicon.tsv", 0, "RE2::Set compile failed (out of memory?)");
      return true;
    };
    if (!build(before, RE2::UNANCHORED, &g->before_set_)) return false;
    if (!build(after, RE2::UNANCHORED, &g->after_set_)) return false;

    std::vector<std::vector<std::string>> rows;
    if (!LoadTsv("rules/context.tsv", 3, &rows)) return false;
    for (auto& r : rows) {
      auto re = std::make_unique<RE2>(norm.NormalizeText(r[2]), Opts());
      if (!re->ok()) return Fail("rules/context.tsv", 0, "bad pattern " + r[2] + ": " + re->error());
      g->triggers_.push_back({TrimRuleText(r[0]), TrimRuleText(r[1]), std::move(re)});
    }
    rows.clear();
    if (!LoadTsv("rules/none.tsv", 2, &rows)) return false;
    for (auto& r : rows) {
      auto re = std::make_unique<RE2>(Grammar::CleanLabel(norm.NormalizeText(r[1])), Opts());
      if (!re->ok()) return Fail("rules/none.tsv", 0, "bad pattern " + r[1] + ": " + re->error());
      g->none_.push_back({TrimRuleText(r[0]), std::move(re)});
    }
    return true;
  }
};

std::unique_ptr<Grammar> Grammar::Load(const std::string& dir, std::string* error) {
  std::unique_ptr<Grammar> g(new Grammar);
  GrammarLoader loader{g.get(), dir, error, {}};
  if (!loader.Run()) return nullptr;
  std::unique_ptr<TableGrammar> tables = TableGrammar::Load(dir, error);
  if (!tables) return nullptr;
  g->tables_ = std::move(tables);
  return g;
}

const RE2* Grammar::rule(const std::string& name) const {
  auto it = rules_.find(name);
  return it == rules_.end() ? nullptr : it->second.get();
}

std::string Grammar::Direction(const std::string& verb) const {
  for (const auto& [v, d] : verbs_)
    if (v == verb) return d;
  // Verb alternatives are regex text; compare with escapes removed.
  for (const auto& [v, d] : verbs_) {
    std::string plain;
    for (char c : v)
      if (c != '\\') plain.push_back(c);
    if (plain == verb) return d;
  }
  return "";
}

std::string Grammar::CleanLabel(const std::string& s) {
  // Quotes around terms (“三公”经费) carry no meaning for matching.
  static const char* kQuotes[] = {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", "\"", "'",
                                  "\xE3\x80\x8C", "\xE3\x80\x8D"};
  std::string out = s;
  for (const char* q : kQuotes) {
    std::string qs(q);
    size_t p;
    while ((p = out.find(qs)) != std::string::npos) out.erase(p, qs.size());
  }
  return out;
}

std::optional<Grammar::LabelMatch> Grammar::MatchLabelBefore(const std::string& span) const {
  std::vector<int> hits;
  if (!before_set_->Match(span, &hits)) return std::nullopt;
  std::optional<LabelMatch> best;
  for (int h : hits) {
    re2::StringPiece groups[2];
    if (!before_re_[h]->Match(span, 0, span.size(), RE2::UNANCHORED, groups, 2)) continue;
    size_t start = groups[1].data() - span.data();
    std::string label(groups[1].data(), groups[1].size());
    if (!best || start < best->start || (start == best->start && label.size() > best->label.size()))
      best = LabelMatch{before_entry_[h], label, start};
  }
  return best;
}

std::optional<Grammar::LabelMatch> Grammar::MatchLabelAfter(const std::string& text, const std::string& before) const {
  std::vector<int> hits;
  if (!after_set_->Match(text, &hits)) return std::nullopt;
  std::optional<LabelMatch> best;
  for (int h : hits) {
    re2::StringPiece groups[2];
    if (!after_re_[h]->Match(text, 0, text.size(), RE2::ANCHOR_START, groups, 2)) continue;
    const LexEntry& e = *entries_[after_entry_[h]];
    if (e.cue && !RE2::PartialMatch(before, *e.cue)) continue;
    std::string label(groups[1].data(), groups[1].size());
    // A cued entry is more specific than a plain one of the same length.
    bool better = !best || label.size() > best->label.size() ||
                  (label.size() == best->label.size() && e.cue && !entries_[best->entry]->cue);
    if (better) best = LabelMatch{after_entry_[h], label, 0};
  }
  return best;
}

std::string Grammar::ClassCode(const std::string& name) const {
  auto it = class_by_name_.find(name);
  return it == class_by_name_.end() ? "" : it->second;
}

std::string Grammar::ChildCode(const std::string& parent, const std::string& raw_name) const {
  // 其它 is a common variant of 其他 in published names.
  std::string name = raw_name;
  for (size_t p; (p = name.find("其它")) != std::string::npos;) name.replace(p, 6, "其他");
  auto it = child_by_name_.find({parent, name});
  if (it != child_by_name_.end()) return it->second;
  if (parent.size() == 5) {
    auto g = generic_items_.find(name);
    if (g != generic_items_.end()) return parent + g->second;
  }
  // 其他…支出 closes every level with 99 (其他司法支出 2040699, 其他教育支出 20599).
  static const std::string kOther = "其他", kSpend = "支出";
  if ((parent.size() == 3 || parent.size() == 5) && name.rfind(kOther, 0) == 0 && name.size() > kSpend.size() &&
      name.compare(name.size() - kSpend.size(), kSpend.size(), kSpend) == 0)
    return parent + "99";
  return "";
}

bool Grammar::KnownField(const std::string& field) const {
  for (const auto& f : known_fields_)
    if (f == field) return true;
  static const RE2 coded(R"(^(?:fiscal_)?expenditure\.(?:function\.\d{3}(?:\d{2}){0,2}|economic\.\d{3}(?:\d{2})?)$)");
  return RE2::FullMatch(field, coded);
}

}  // namespace cnbudget
