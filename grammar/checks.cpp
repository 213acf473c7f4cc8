#include "grammar/checks.h"

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "extractor/rule_text.h"

namespace cnbudget {
namespace {

const std::set<std::string> kBuiltins = {"change_percent", "change_base",    "completion",   "prose_table",
                                         "table_children", "table_total",    "table_columns"};

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> v;
  for (std::string w; in >> w;) v.push_back(w);
  return v;
}

// An amount comparable across money units: yuan for money, as written otherwise.
struct Amount {
  Decimal value;
  std::string unit;  // "元" for money
};

std::optional<Amount> InYuan(const Decimal& v, const std::string& unit) {
  if (auto e = MoneyExponent(unit)) return Amount{v.Shift(*e), "元"};
  return Amount{v, unit};
}

// Back from yuan to `unit` (exact: a shift).
Decimal FromYuan(const Decimal& yuan, const std::string& unit) {
  auto e = MoneyExponent(unit);
  return e ? yuan.Shift(-*e) : yuan;
}

// Half a unit in the last printed place, once per printed number: how far a
// sum of rounded parts may honestly be from its rounded total.
Decimal Tolerance(const std::vector<const Decimal*>& printed, const std::string& unit) {
  int scale = 0;
  for (const Decimal* d : printed) scale = std::max(scale, d->scale());
  Decimal half = *Decimal::Parse("0.5");
  Decimal one = half.Shift(-scale);
  Decimal total;
  for (size_t i = 0; i + 1 < printed.size(); ++i) total = total + one;  // n parts: n half-units
  auto e = MoneyExponent(unit);
  return e ? total.Shift(*e) : total;
}

bool Within(const Decimal& a, const Decimal& b, const Decimal& tol) { return (a - b).Abs().Compare(tol) <= 0; }

// Where a figure came from: a table (its title) or the prose ("").
std::string TableOf(const FigureRecord& f, const std::set<std::string>& tables) {
  return f.section.size() == 1 && tables.count(f.section[0]) ? f.section[0] : "";
}

bool MatchesPart(const std::string& pattern, const std::string& field) {
  if (pattern.size() > 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0) {
    std::string prefix = pattern.substr(0, pattern.size() - 1);  // "x."
    return field.size() > prefix.size() && field.compare(0, prefix.size(), prefix) == 0 &&
           field.find('.', prefix.size()) == std::string::npos;
  }
  return pattern == field;
}

bool IsTotalName(const std::string& name) {
  for (const char* t : {"合计", "总计", "支出合计", "收入合计", "本年支出合计", "本年收入合计"})
    if (name == t) return true;
  return false;
}

bool IsTotalColumn(const std::string& path) { return path == "合计" || path == "总计" || path == "小计"; }

std::string Top(const std::string& path) { return path.substr(0, path.find('/')); }

// Columns that are not additive parts of a row (comparisons, prior years).
bool NonAdditive(const std::string& path) {
  for (const char* w : {"上年", "增减", "增长", "变动", "比", "%", "％", "决算数", "预算数", "调整"})
    if (path.find(w) != std::string::npos) return true;
  return false;
}

class Runner {
 public:
  Runner(const std::vector<FigureRecord>& figures, const std::vector<RowRecord>& rows) : figures_(figures), rows_(rows) {
    for (const RowRecord& r : rows) tables_.insert(r.table);
  }

  std::vector<CheckRecord> out;

  void Sum(const CheckRules::SumRule& rule) {
    // Figures grouped by where they were stated: a prose section or a table.
    std::map<std::string, std::vector<const FigureRecord*>> groups;
    std::vector<std::string> order;
    for (const FigureRecord& f : figures_) {
      std::string t = TableOf(f, tables_);
      std::string key = t.empty() ? "prose\x1f" + Join(f.section) : "table\x1f" + t;
      if (!groups.count(key)) order.push_back(key);
      groups[key].push_back(&f);
    }
    for (const std::string& key : order) {
      const auto& g = groups[key];
      const FigureRecord* total = nullptr;
      std::map<std::string, const FigureRecord*> parts;  // first of each field
      bool skip = false;
      for (const FigureRecord* f : g) {
        if (f->field == rule.total && !total) total = f;
        for (const auto& u : rule.unless)
          if (f->field == u) skip = true;
        for (const auto& p : rule.parts)
          if (f->field != rule.total && MatchesPart(p, f->field) && !parts.count(f->field)) parts[f->field] = f;
      }
      if (!total || skip || parts.size() < 2) continue;
      auto t = InYuan(total->value, total->unit);
      Decimal sum;
      std::vector<const Decimal*> printed = {&total->value};
      std::vector<std::string> fields = {rule.total};
      bool comparable = true;
      for (const auto& [field, f] : parts) {
        auto a = InYuan(f->value, f->unit);
        if (a->unit != t->unit) comparable = false;
        sum = sum + a->value;
        printed.push_back(&f->value);
        fields.push_back(field);
      }
      if (!comparable) continue;
      CheckRecord c;
      c.rule = rule.id;
      c.actual = total->value;
      c.expected = FromYuan(sum, total->unit);
      c.unit = total->unit;
      c.fields = fields;
      c.status = Within(sum, t->value, Tolerance(printed, total->unit)) ? "pass" : "fail";
      c.where = key.substr(key.find('\x1f') + 1);
      c.page = total->page;
      out.push_back(std::move(c));
    }
  }

  void ChangePercent(const std::string& id) {
    for (const FigureRecord& f : figures_) {
      if (!f.change || !f.change->amount || !f.change->percent) continue;
      const Change& ch = *f.change;
      auto prior = Prior(f);
      if (!prior || prior->negative() || prior->is_zero()) continue;
      auto amount = InYuan(*ch.amount, ch.unit.empty() ? f.unit : ch.unit);
      auto p = InYuan(*prior, f.unit);
      int s = ch.percent->scale();
      auto rounded = amount->value.Shift(2).Divide(p->value, s, true);
      auto truncated = amount->value.Shift(2).Divide(p->value, s, false);
      if (!rounded) continue;
      CheckRecord c;
      c.rule = id;
      c.actual = *ch.percent;
      c.expected = *rounded;
      c.unit = "%";
      c.fields = {f.field};
      c.status = (ch.percent->Abs() == *rounded || ch.percent->Abs() == *truncated) ? "pass" : "fail";
      c.where = f.text;
      c.page = f.page;
      out.push_back(std::move(c));
    }
  }

  void ChangeBase(const std::string& id) {
    for (const FigureRecord& f : figures_) {
      if (!f.change || !f.change->amount || !f.change->base_value) continue;
      auto computed = PriorFromChange(f);
      if (!computed) continue;
      CheckRecord c;
      c.rule = id;
      c.actual = *f.change->base_value;
      c.expected = *computed;
      c.unit = f.unit;
      c.fields = {f.field};
      c.status = *computed == *f.change->base_value ? "pass" : "fail";
      c.where = f.text;
      c.page = f.page;
      out.push_back(std::move(c));
    }
  }

  void Completion(const std::string& id) {
    for (const FigureRecord& f : figures_) {
      if (!f.plan || !f.plan->value || !f.plan->completion_percent || f.plan->value->is_zero()) continue;
      auto a = InYuan(f.value, f.unit);
      auto p = InYuan(*f.plan->value, f.plan->unit.empty() ? f.unit : f.plan->unit);
      if (a->unit != p->unit) continue;
      int s = f.plan->completion_percent->scale();
      auto rounded = a->value.Shift(2).Divide(p->value, s, true);
      auto truncated = a->value.Shift(2).Divide(p->value, s, false);
      if (!rounded) continue;
      CheckRecord c;
      c.rule = id;
      c.actual = *f.plan->completion_percent;
      c.expected = *rounded;
      c.unit = "%";
      c.fields = {f.field};
      c.status = (*f.plan->completion_percent == *rounded || *f.plan->completion_percent == *truncated) ? "pass" : "fail";
      c.where = f.text;
      c.page = f.page;
      out.push_back(std::move(c));
    }
  }

  void ProseTable(const std::string& id) {
    std::map<std::string, const FigureRecord*> prose, table;
    std::vector<std::string> order;
    for (const FigureRecord& f : figures_) {
      auto& m = TableOf(f, tables_).empty() ? prose : table;
      if (!m.count(f.field)) {
        m[f.field] = &f;
        if (&m == &prose) order.push_back(f.field);
      }
    }
    for (const std::string& field : order) {
      auto it = table.find(field);
      if (it == table.end()) continue;
      const FigureRecord* p = prose[field];
      const FigureRecord* t = it->second;
      auto a = InYuan(p->value, p->unit), b = InYuan(t->value, t->unit);
      if (a->unit != b->unit) continue;
      CheckRecord c;
      c.rule = id;
      c.actual = p->value;
      c.expected = FromYuan(b->value, p->unit);
      c.unit = p->unit;
      c.fields = {field};
      // A table in 元 against prose in 万元 to 2 decimals: equal once rounded as the prose prints.
      Decimal tol = Tolerance({&p->value, &p->value}, p->unit);
      c.status = Within(a->value, b->value, tol) ? "pass" : "fail";
      c.where = t->section.empty() ? "" : "prose p." + std::to_string(p->page) + " / " + t->section[0];
      c.page = p->page;
      out.push_back(std::move(c));
    }
  }

  // Rows of one table side, in order.
  std::vector<std::vector<const RowRecord*>> TableGroups() const {
    std::map<std::string, size_t> index;
    std::vector<std::vector<const RowRecord*>> groups;
    for (const RowRecord& r : rows_) {
      std::string key = r.table + "\x1f" + r.side;
      auto it = index.find(key);
      if (it == index.end()) {
        index[key] = groups.size();
        groups.emplace_back();
        it = index.find(key);
      }
      groups[it->second].push_back(&r);
    }
    return groups;
  }

  // One check per parent row: every column it shares with its parts must add up.
  void RowSum(const std::string& id, const RowRecord& parent, const std::vector<const RowRecord*>& parts) {
    std::optional<CheckRecord> first_fail, first;
    for (const auto& [column, value] : parent.cells) {
      Decimal sum;
      std::vector<const Decimal*> printed = {&value};
      bool any = false;
      for (const RowRecord* r : parts)
        for (const auto& [k, v] : r->cells)
          if (k == column) {
            sum = sum + v;
            printed.push_back(&v);
            any = true;
          }
      if (!any) continue;
      CheckRecord c;
      c.rule = id;
      c.actual = value;
      c.expected = sum;
      c.unit = parent.unit;
      c.status = Within(sum, value, Tolerance(printed, "")) ? "pass" : "fail";
      c.where = parent.table + (parent.side.empty() ? "" : "/" + parent.side) + " / " +
                (parent.code.empty() ? "" : parent.code + " ") + parent.name + " / " + column;
      c.page = parent.page;
      if (!first) first = c;
      if (c.status == "fail" && !first_fail) first_fail = c;
    }
    if (first_fail) out.push_back(*first_fail);
    else if (first) out.push_back(*first);
  }

  void TableChildren(const std::string& id) {
    for (const auto& g : TableGroups()) {
      for (size_t i = 0; i < g.size(); ++i) {
        const RowRecord& p = *g[i];
        if (p.code.size() != 3 && p.code.size() != 5) continue;
        std::vector<const RowRecord*> kids;
        // Children are the rows right below the parent that extend its code: tables grouped by
        // unit repeat the same codes once per unit, and each block adds up on its own.
        for (size_t j = i + 1; j < g.size(); ++j) {
          const RowRecord* r = g[j];
          if (r->code.size() <= p.code.size() || r->code.compare(0, p.code.size(), p.code) != 0) break;
          if (r->code.size() == p.code.size() + 2) kids.push_back(r);
        }
        if (!kids.empty()) RowSum(id, p, kids);
      }
    }
  }

  void TableTotal(const std::string& id) {
    for (const auto& g : TableGroups()) {
      std::vector<const RowRecord*> classes;
      std::set<std::string> seen;
      for (const RowRecord* r : g)
        if (r->code.size() == 3 && seen.insert(r->code).second) classes.push_back(r);
      if (classes.empty()) continue;
      for (const RowRecord* r : g)
        if (r->code.empty() && IsTotalName(r->name)) {
          RowSum(id, *r, classes);
          break;
        }
    }
  }

  void TableColumns(const std::string& id) {
    for (const RowRecord& r : rows_) {
      if (r.cells.size() < 3 || !IsTotalColumn(r.cells[0].first)) continue;
      bool additive = true;
      for (const auto& [k, v] : r.cells) additive = additive && !NonAdditive(k);
      if (!additive) continue;
      // Each other top-level column once: itself, its 小计/合计, or the sum of its leaves.
      std::map<std::string, Decimal> group_total, leaves;
      std::vector<std::string> order;
      std::vector<const Decimal*> printed = {&r.cells[0].second};
      for (size_t i = 1; i < r.cells.size(); ++i) {
        const auto& [k, v] = r.cells[i];
        std::string top = Top(k);
        if (IsTotalColumn(top)) continue;
        if (!group_total.count(top) && !leaves.count(top)) order.push_back(top);
        std::string rest = k.size() > top.size() ? k.substr(top.size() + 1) : "";
        if (rest.empty() || IsTotalColumn(rest)) group_total[top] = v;
        else if (rest.find('/') == std::string::npos) leaves[top] = leaves[top] + v;
      }
      if (order.size() < 2) continue;
      Decimal sum;
      for (const std::string& top : order) {
        auto it = group_total.find(top);
        sum = sum + (it != group_total.end() ? it->second : leaves[top]);
      }
      for (size_t i = 1; i < r.cells.size(); ++i) printed.push_back(&r.cells[i].second);
      CheckRecord c;
      c.rule = id;
      c.actual = r.cells[0].second;
      c.expected = sum;
      c.unit = r.unit;
      std::vector<const Decimal*> counted(printed.begin(), printed.begin() + 1 + static_cast<long>(order.size()));
      c.status = Within(sum, r.cells[0].second, Tolerance(counted, "")) ? "pass" : "fail";
      c.where = r.table + (r.side.empty() ? "" : "/" + r.side) + " / " + (r.code.empty() ? "" : r.code + " ") + r.name;
      c.page = r.page;
      out.push_back(std::move(c));
    }
  }

 private:
  static std::string Join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " > ") + x;
    return s;
  }
  // The prior year's figure, in the figure's unit: stated, or value ∓ change.
  std::optional<Decimal> Prior(const FigureRecord& f) const {
    if (f.change->base_value) return f.change->base_value;
    return PriorFromChange(f);
  }
  std::optional<Decimal> PriorFromChange(const FigureRecord& f) const {
    const Change& ch = *f.change;
    std::string cu = ch.unit.empty() ? f.unit : ch.unit;
    auto amount = InYuan(*ch.amount, cu);
    auto value = InYuan(f.value, f.unit);
    if (amount->unit != value->unit) return std::nullopt;
    if (ch.direction == "increase") return FromYuan(value->value - amount->value.Abs(), f.unit);
    if (ch.direction == "decrease") return FromYuan(value->value + amount->value.Abs(), f.unit);
    return std::nullopt;
  }

  const std::vector<FigureRecord>& figures_;
  const std::vector<RowRecord>& rows_;
  std::set<std::string> tables_;
};

}  // namespace

std::unique_ptr<CheckRules> CheckRules::Load(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return nullptr;
  }
  auto rules = std::make_unique<CheckRules>();
  std::string line;
  int n = 0;
  std::set<std::string> ids;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = SplitRuleText(line, '\t');
    auto bad = [&](const std::string& why) {
      *error = path + ":" + std::to_string(n) + ": " + why;
      return nullptr;
    };
    if (cols.size() < 2 || cols[1].empty()) return bad("expected KIND<tab>RULE-ID ...");
    if (!ids.insert(cols[1]).second) return bad("rule id " + cols[1] + " is used twice");
    if (cols[0] == "sum") {
      if (cols.size() < 4 || cols[2].empty()) return bad("a sum rule needs TOTAL and PARTS columns");
      SumRule r{cols[1], cols[2], Words(cols[3]), cols.size() > 4 ? Words(cols[4]) : std::vector<std::string>{}};
      if (r.parts.empty()) return bad("a sum rule needs at least one part");
      rules->sums_.push_back(std::move(r));
    } else if (kBuiltins.count(cols[0])) {
      rules->builtins_.emplace_back(cols[0], cols[1]);
    } else {
      return bad("unknown check kind '" + cols[0] + "'");
    }
  }
  return rules;
}

std::vector<CheckRecord> CheckRules::Run(const std::vector<FigureRecord>& figures,
                                         const std::vector<RowRecord>& rows) const {
  Runner run(figures, rows);
  for (const SumRule& r : sums_) run.Sum(r);
  for (const auto& [kind, id] : builtins_) {
    if (kind == "change_percent") run.ChangePercent(id);
    else if (kind == "change_base") run.ChangeBase(id);
    else if (kind == "completion") run.Completion(id);
    else if (kind == "prose_table") run.ProseTable(id);
    else if (kind == "table_children") run.TableChildren(id);
    else if (kind == "table_total") run.TableTotal(id);
    else if (kind == "table_columns") run.TableColumns(id);
  }
  return std::move(run.out);
}

}  // namespace cnbudget
