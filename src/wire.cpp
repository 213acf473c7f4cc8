#include "src/wire.h"

#include <cstdint>
#include <cstring>

namespace cnbudget {
namespace {

class Writer {
 public:
  void U32(uint32_t v) { s_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void I32(int v) { U32(static_cast<uint32_t>(v)); }
  void Str(const std::string& v) {
    U32(static_cast<uint32_t>(v.size()));
    s_ += v;
  }
  void Bool(bool b) { s_.push_back(b ? 1 : 0); }
  void Dec(const Decimal& d) { Str(d.text()); }
  void OptDec(const std::optional<Decimal>& d) {
    Bool(d.has_value());
    if (d) Dec(*d);
  }
  void OptStr(const std::optional<std::string>& v) {
    Bool(v.has_value());
    if (v) Str(*v);
  }
  void Strs(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& x : v) Str(x);
  }
  std::string& bytes() { return s_; }

 private:
  std::string s_;
};

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == s_.size(); }
  uint32_t U32() {
    uint32_t v = 0;
    if (!Need(sizeof v)) return 0;
    std::memcpy(&v, s_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  int I32() { return static_cast<int>(U32()); }
  // A count of items that each take at least one byte: bounded by what is left.
  uint32_t Count() {
    uint32_t n = U32();
    if (n > s_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }
  std::string Str() {
    uint32_t n = U32();
    if (!Need(n)) return "";
    std::string v = s_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  bool Bool() {
    if (!Need(1)) return false;
    return s_[pos_++] != 0;
  }
  Decimal Dec() {
    auto d = Decimal::Parse(Str());
    if (!d) ok_ = false;
    return d ? *d : Decimal();
  }
  std::optional<Decimal> OptDec() {
    if (!Bool()) return std::nullopt;
    return Dec();
  }
  std::optional<std::string> OptStr() {
    if (!Bool()) return std::nullopt;
    return Str();
  }
  std::vector<std::string> Strs() {
    std::vector<std::string> v(Count());
    for (auto& x : v) x = Str();
    return v;
  }

 private:
  bool Need(size_t n) {
    if (!ok_ || s_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  const std::string& s_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void PutError(Writer& w, const ErrorInfo& e) {
  w.Str(e.code);
  w.Str(e.message);
  w.I32(e.page);
}
ErrorInfo GetError(Reader& r) {
  ErrorInfo e;
  e.code = r.Str();
  e.message = r.Str();
  e.page = r.I32();
  return e;
}

}  // namespace

std::string EncodeOutput(const DocumentOutput& out) {
  Writer w;
  const DocumentRecord& d = out.document;
  w.Str(d.source);
  w.Str(d.sha256);
  w.I32(d.pages);
  w.Str(d.status);
  w.Bool(d.error.has_value());
  if (d.error) PutError(w, *d.error);
  w.OptStr(d.meta.title);
  w.OptStr(d.meta.district);
  w.OptStr(d.meta.division_code);
  w.OptStr(d.meta.department);
  w.OptStr(d.meta.kind);
  w.Bool(d.meta.year.has_value());
  if (d.meta.year) w.I32(*d.meta.year);
  w.I32(d.figures);
  w.I32(d.projects);
  w.I32(d.rows);
  w.I32(d.checks_passed);
  w.I32(d.checks_failed);
  w.U32(static_cast<uint32_t>(d.tables.size()));
  for (const TableSummary& t : d.tables) {
    w.Str(t.id);
    w.Str(t.title);
    w.I32(t.page);
    w.I32(t.rows);
  }

  w.U32(static_cast<uint32_t>(out.figures.size()));
  for (const FigureRecord& f : out.figures) {
    w.Str(f.field);
    w.Str(f.label);
    w.Dec(f.value);
    w.Str(f.unit);
    w.Bool(f.change.has_value());
    if (f.change) {
      const Change& c = *f.change;
      w.Str(c.direction);
      w.OptDec(c.amount);
      w.Str(c.unit);
      w.OptDec(c.percent);
      w.Str(c.basis);
      w.OptDec(c.base_value);
    }
    w.Strs(f.section);
    w.I32(f.page);
    w.Str(f.text);
    w.Str(f.original);
    w.Bool(f.plan.has_value());
    if (f.plan) {
      w.OptDec(f.plan->value);
      w.Str(f.plan->unit);
      w.OptDec(f.plan->completion_percent);
    }
    w.OptDec(f.share_percent);
  }
  w.U32(static_cast<uint32_t>(out.projects.size()));
  for (const ProjectRecord& p : out.projects) {
    w.Str(p.name);
    w.OptDec(p.value);
    w.Str(p.unit);
    w.Str(p.implementer);
    w.Str(p.period);
    w.U32(static_cast<uint32_t>(p.indicators.size()));
    for (const Indicator& i : p.indicators) {
      w.Str(i.kind);
      w.Str(i.text);
    }
    w.I32(p.page);
  }
  w.U32(static_cast<uint32_t>(out.rows.size()));
  for (const RowRecord& r : out.rows) {
    w.Str(r.table);
    w.Str(r.side);
    w.I32(r.page);
    w.Str(r.code);
    w.Str(r.name);
    w.U32(static_cast<uint32_t>(r.cells.size()));
    for (const auto& [k, v] : r.cells) {
      w.Str(k);
      w.Dec(v);
    }
    w.Str(r.unit);
  }
  w.U32(static_cast<uint32_t>(out.checks.size()));
  for (const CheckRecord& c : out.checks) {
    w.Str(c.rule);
    w.Str(c.status);
    w.Dec(c.expected);
    w.Dec(c.actual);
    w.Str(c.unit);
    w.Strs(c.fields);
    w.Str(c.where);
    w.I32(c.page);
  }
  w.U32(static_cast<uint32_t>(out.errors.size()));
  for (const ErrorInfo& e : out.errors) PutError(w, e);
  return std::move(w.bytes());
}

bool DecodeOutput(const std::string& bytes, DocumentOutput* out) {
  Reader r(bytes);
  DocumentOutput o;
  DocumentRecord& d = o.document;
  d.source = r.Str();
  d.sha256 = r.Str();
  d.pages = r.I32();
  d.status = r.Str();
  if (r.Bool()) d.error = GetError(r);
  d.meta.title = r.OptStr();
  d.meta.district = r.OptStr();
  d.meta.division_code = r.OptStr();
  d.meta.department = r.OptStr();
  d.meta.kind = r.OptStr();
  if (r.Bool()) d.meta.year = r.I32();
  d.figures = r.I32();
  d.projects = r.I32();
  d.rows = r.I32();
  d.checks_passed = r.I32();
  d.checks_failed = r.I32();
  d.tables.resize(r.Count());
  for (TableSummary& t : d.tables) {
    t.id = r.Str();
    t.title = r.Str();
    t.page = r.I32();
    t.rows = r.I32();
  }

  o.figures.resize(r.Count());
  for (FigureRecord& f : o.figures) {
    f.field = r.Str();
    f.label = r.Str();
    f.value = r.Dec();
    f.unit = r.Str();
    if (r.Bool()) {
      Change c;
      c.direction = r.Str();
      c.amount = r.OptDec();
      c.unit = r.Str();
      c.percent = r.OptDec();
      c.basis = r.Str();
      c.base_value = r.OptDec();
      f.change = std::move(c);
    }
    f.section = r.Strs();
    f.page = r.I32();
    f.text = r.Str();
    f.original = r.Str();
    if (r.Bool()) {
      Plan p;
      p.value = r.OptDec();
      p.unit = r.Str();
      p.completion_percent = r.OptDec();
      f.plan = std::move(p);
    }
    f.share_percent = r.OptDec();
    if (!r.ok()) return false;
  }
  o.projects.resize(r.Count());
  for (ProjectRecord& p : o.projects) {
    p.name = r.Str();
    p.value = r.OptDec();
    p.unit = r.Str();
    p.implementer = r.Str();
    p.period = r.Str();
    p.indicators.resize(r.Count());
    for (Indicator& i : p.indicators) {
      i.kind = r.Str();
      i.text = r.Str();
    }
    p.page = r.I32();
    if (!r.ok()) return false;
  }
  o.rows.resize(r.Count());
  for (RowRecord& row : o.rows) {
    row.table = r.Str();
    row.side = r.Str();
    row.page = r.I32();
    row.code = r.Str();
    row.name = r.Str();
    uint32_t n = r.Count();
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      std::string k = r.Str();
      row.cells.emplace_back(std::move(k), r.Dec());
    }
    row.unit = r.Str();
    if (!r.ok()) return false;
  }
  o.checks.resize(r.Count());
  for (CheckRecord& c : o.checks) {
    c.rule = r.Str();
    c.status = r.Str();
    c.expected = r.Dec();
    c.actual = r.Dec();
    c.unit = r.Str();
    c.fields = r.Strs();
    c.where = r.Str();
    c.page = r.I32();
    if (!r.ok()) return false;
  }
  o.errors.resize(r.Count());
  for (ErrorInfo& e : o.errors) e = GetError(r);
  if (!r.done()) return false;
  *out = std::move(o);
  return true;
}

}  // namespace cnbudget
