#include "src/sink.h"

#include <fstream>
#include <vector>

namespace cnbudget {

std::string JsonLines(const DocumentOutput& d) {
  const std::string& src = d.document.source;
  std::string out = ToJson(d.document) + "\n";
  for (const ErrorInfo& e : d.errors) out += ToJson(src, e) + "\n";
  for (const FigureRecord& f : d.figures) out += ToJson(src, f) + "\n";
  for (const ProjectRecord& p : d.projects) out += ToJson(src, p) + "\n";
  for (const RowRecord& r : d.rows) out += ToJson(src, r) + "\n";
  for (const CheckRecord& c : d.checks) out += ToJson(src, c) + "\n";
  return out;
}

namespace {

class JsonlSink : public RecordSink {
 public:
  explicit JsonlSink(std::ostream* out) : out_(out) {}
  bool Write(const DocumentOutput& doc, std::string* error) override {
    std::string block = JsonLines(doc);
    out_->write(block.data(), static_cast<std::streamsize>(block.size()));
    if (!*out_) {
      *error = "write error";
      return false;
    }
    return true;
  }
  bool Finish(std::string* error) override {
    out_->flush();
    if (!*out_) {
      *error = "write error";
      return false;
    }
    return true;
  }

 private:
  std::ostream* out_;
};

// A text cell: quoted when needed, and never a formula.
std::string Text(const std::string& s) {
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    v.insert(0, "'");
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  return q + "\"";
}

std::string Num(const std::optional<Decimal>& d) { return d ? d->text() : ""; }

class CsvSink : public RecordSink {
 public:
  bool Open(const std::string& dir, bool excel, std::string* error) {
    const char* names[] = {"documents.csv", "figures.csv", "projects.csv", "errors.csv"};
    const char* headers[] = {
        "source,sha256,pages,status,error_code,error_message,title,district,division_code,department,year,kind,"
        "figures,projects",
        "source,field,label,value,unit,yuan,change_direction,change_amount,change_unit,change_percent,change_basis,"
        "change_base_value,plan_value,plan_unit,plan_completion_percent,share_percent,section,page,text",
        "source,name,value,unit,yuan,implementer,period,indicators,page",
        "source,page,code,message"};
    for (int i = 0; i < 4; ++i) {
      files_[i].open(dir + "/" + names[i], std::ios::binary | std::ios::trunc);
      if (!files_[i]) {
        *error = "cannot write " + dir + "/" + names[i];
        return false;
      }
      if (excel) files_[i] << "\xEF\xBB\xBF";
      files_[i] << headers[i] << "\r\n";
    }
    return true;
  }

  bool Write(const DocumentOutput& d, std::string* error) override {
    const DocumentRecord& r = d.document;
    const std::string& src = r.source;
    auto opt = [](const std::optional<std::string>& s) { return s ? Text(*s) : std::string(); };
    std::string doc = Text(src) + "," + r.sha256 + "," + std::to_string(r.pages) + "," + r.status + "," +
                      (r.error ? Text(r.error->code) + "," + Text(r.error->message) : ",") + "," + opt(r.meta.title) +
                      "," + opt(r.meta.district) + "," + opt(r.meta.division_code) + "," + opt(r.meta.department) +
                      "," + (r.meta.year ? std::to_string(*r.meta.year) : "") + "," + opt(r.meta.kind) + "," +
                      std::to_string(r.figures) + "," + std::to_string(r.projects) + "\r\n";
    std::string figs, projs, errs;
    for (const FigureRecord& f : d.figures) {
      std::string section;
      for (const auto& s : f.section) section += (section.empty() ? "" : " > ") + s;
      auto e = MoneyExponent(f.unit);
      const Change* c = f.change ? &*f.change : nullptr;
      const Plan* p = f.plan ? &*f.plan : nullptr;
      figs += Text(src) + "," + Text(f.field) + "," + Text(f.label) + "," + f.value.text() + "," + Text(f.unit) + "," +
              (e ? f.value.Shift(*e).text() : "") + "," + (c ? c->direction : "") + "," +
              (c ? Num(c->amount) : "") + "," + (c ? Text(c->unit) : "") + "," + (c ? Num(c->percent) : "") + "," +
              (c ? Text(c->basis) : "") + "," + (c ? Num(c->base_value) : "") + "," + (p ? Num(p->value) : "") +
              "," + (p ? Text(p->unit) : "") + "," + (p ? Num(p->completion_percent) : "") + "," +
              Num(f.share_percent) + "," + Text(section) + "," + std::to_string(f.page) + "," + Text(f.text) + "\r\n";
    }
    for (const ProjectRecord& p : d.projects) {
      std::string ind;
      for (const auto& i : p.indicators) ind += (ind.empty() ? "" : "; ") + i.kind + ":" + i.text;
      auto e = p.value ? MoneyExponent(p.unit) : std::nullopt;
      projs += Text(src) + "," + Text(p.name) + "," + Num(p.value) + "," + Text(p.unit) + "," +
               (e ? p.value->Shift(*e).text() : "") + "," + Text(p.implementer) + "," + Text(p.period) + "," +
               Text(ind) + "," + std::to_string(p.page) + "\r\n";
    }
    for (const ErrorInfo& x : d.errors)
      errs += Text(src) + "," + std::to_string(x.page) + "," + Text(x.code) + "," + Text(x.message) + "\r\n";
    files_[0] << doc;
    files_[1] << figs;
    files_[2] << projs;
    files_[3] << errs;
    for (auto& f : files_)
      if (!f) {
        *error = "write error on a CSV file";
        return false;
      }
    return true;
  }

  bool Finish(std::string* error) override {
    for (auto& f : files_) {
      f.flush();
      if (!f) {
        *error = "write error on a CSV file";
        return false;
      }
    }
    return true;
  }

 private:
  std::ofstream files_[4];
};

}  // namespace

std::unique_ptr<RecordSink> MakeJsonlSink(std::ostream* out) { return std::make_unique<JsonlSink>(out); }

std::unique_ptr<RecordSink> MakeCsvSink(const std::string& dir, bool excel, std::string* error) {
  auto s = std::make_unique<CsvSink>();
  if (!s->Open(dir, excel, error)) return nullptr;
  return s;
}

}  // namespace cnbudget
