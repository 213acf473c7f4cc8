#include "src/sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
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

using Json = nlohmann::json;

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
  bool Duplicate(const std::string&, const std::string&, std::string*) override { return true; }
  bool durable() const override { return false; }
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

// A file we append to with write(2), knowing its length at every moment.
class AppendFile {
 public:
  ~AppendFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Opens `path` cut to `length` bytes (0: emptied).
  bool Open(const std::string& path, off_t length, std::string* error) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT, 0666);
    if (fd_ < 0 || ::ftruncate(fd_, length) != 0 || ::lseek(fd_, length, SEEK_SET) < 0) {
      *error = "cannot write " + path + ": " + std::strerror(errno);
      return false;
    }
    length_ = length;
    return true;
  }
  bool Append(const std::string& s, std::string* error) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = ::write(fd_, s.data() + done, s.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        *error = "write error on " + path_ + ": " + std::strerror(errno);
        return false;
      }
      done += static_cast<size_t>(n);
    }
    length_ += static_cast<off_t>(s.size());
    return true;
  }
  off_t length() const { return length_; }

 private:
  std::string path_;
  int fd_ = -1;
  off_t length_ = 0;
};

// DIR/manifest.jsonl: one line per input, appended once its records are
// written.  The last line of a killed run may be torn; it does not count.
class Manifest {
 public:
  bool Open(const std::string& dir, bool resume, std::vector<Json>* entries, std::string* error) {
    std::string path = dir + "/manifest.jsonl";
    off_t good = 0;
    if (resume) {
      std::ifstream in(path, std::ios::binary);
      std::string line;
      while (std::getline(in, line)) {
        if (in.eof()) break;  // no '\n': cut by a kill
        Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) break;
        good += static_cast<off_t>(line.size() + 1);
        entries->push_back(std::move(j));
      }
    }
    // Cut in place (never rewritten), so a kill during Open loses nothing.
    return file_.Open(path, good, error);
  }
  bool Append(const Json& entry, std::string* error) {
    return file_.Append(entry.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n", error);
  }

 private:
  AppendFile file_;
};

Json Entry(const DocumentOutput& d) {
  Json m = {{"path", d.document.source}, {"sha256", d.document.sha256}, {"status", d.document.status},
            {"records", d.records()}};
  if (d.document.error) m["error"] = d.document.error->code;
  return m;
}

Json DuplicateEntry(const std::string& path, const std::string& sha) {
  return {{"path", path}, {"sha256", sha}, {"status", "duplicate"}, {"records", 0}};
}

void AddCompleted(const std::vector<Json>& entries, std::vector<Completed>* done) {
  for (const Json& j : entries) {
    if (!j.contains("path") || !j["path"].is_string()) continue;
    done->push_back(Completed{j["path"].get<std::string>(), j.value("sha256", "")});
  }
}

class JsonlDirSink : public RecordSink {
 public:
  bool Open(const std::string& dir, bool resume, std::vector<Completed>* done, std::string* error) {
    std::vector<Json> entries;
    if (!manifest_.Open(dir, resume, &entries, error)) return false;
    off_t end = 0;
    for (const Json& j : entries)
      if (j.contains("end") && j["end"].is_number_integer()) end = std::max<off_t>(end, j["end"].get<off_t>());
    AddCompleted(entries, done);
    // Cuts off whatever a killed run wrote after its last complete document.
    return records_.Open(dir + "/records.jsonl", end, error);
  }
  bool Write(const DocumentOutput& d, std::string* error) override {
    if (!records_.Append(JsonLines(d), error)) return false;
    Json m = Entry(d);
    m["end"] = records_.length();
    return manifest_.Append(m, error);
  }
  bool Duplicate(const std::string& path, const std::string& sha, std::string* error) override {
    Json m = DuplicateEntry(path, sha);
    m["end"] = records_.length();
    return manifest_.Append(m, error);
  }
  bool durable() const override { return true; }
  bool Finish(std::string*) override { return true; }

 private:
  Manifest manifest_;
  AppendFile records_;
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

std::string Joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

class CsvSink : public RecordSink {
 public:
  static constexpr int kFiles = 6;

  bool Open(const std::string& dir, bool excel, bool resume, std::vector<Completed>* done, std::string* error) {
    static const char* names[kFiles] = {"documents.csv", "figures.csv", "projects.csv",
                                        "rows.csv",      "checks.csv",  "errors.csv"};
    static const char* headers[kFiles] = {
        "source,sha256,pages,status,error_code,error_message,title,district,division_code,department,year,kind,"
        "figures,projects,rows,checks_passed,checks_failed,tables",
        "source,field,label,value,unit,yuan,change_direction,change_amount,change_unit,change_percent,change_basis,"
        "change_base_value,plan_value,plan_unit,plan_completion_percent,share_percent,section,page,text",
        "source,name,value,unit,yuan,implementer,period,indicators,page",
        "source,table,side,page,code,name,column,value,unit",
        "source,rule,status,expected,actual,unit,fields,where,page",
        "source,page,code,message"};
    std::vector<Json> entries;
    if (!manifest_.Open(dir, resume, &entries, error)) return false;
    AddCompleted(entries, done);
    const Json* last = nullptr;
    for (const Json& j : entries)
      if (j.contains("end") && j["end"].is_object()) last = &j["end"];
    for (int i = 0; i < kFiles; ++i) {
      std::string path = dir + "/" + names[i];
      off_t keep = 0;
      if (last && last->contains(names[i]) && (*last)[names[i]].is_number_integer())
        keep = (*last)[names[i]].get<off_t>();
      else if (last)  // a file this version adds: started fresh below
        keep = 0;
      if (keep > 0) {
        // Rows appended under another version's columns would shift every field.
        std::ifstream in(path, std::ios::binary);
        std::string first;
        std::getline(in, first);
        if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);
        if (!first.empty() && first.back() == '\r') first.pop_back();
        if (first != headers[i]) {
          *error = path + " has other columns than this cnbudget writes (an older version?): resume into a new --out folder";
          return false;
        }
      }
      if (!files_[i].Open(path, keep, error)) return false;
      names_[i] = names[i];
      if (keep == 0 && !files_[i].Append(std::string(excel ? "\xEF\xBB\xBF" : "") + headers[i] + "\r\n", error))
        return false;
    }
    return true;
  }

  bool Write(const DocumentOutput& d, std::string* error) override {
    const DocumentRecord& r = d.document;
    const std::string& src = Text(r.source);
    auto opt = [](const std::optional<std::string>& s) { return s ? Text(*s) : std::string(); };
    std::string out[kFiles];
    out[0] = src + "," + r.sha256 + "," + std::to_string(r.pages) + "," + r.status + "," +
             (r.error ? Text(r.error->code) + "," + Text(r.error->message) : ",") + "," + opt(r.meta.title) + "," +
             opt(r.meta.district) + "," + opt(r.meta.division_code) + "," + opt(r.meta.department) + "," +
             (r.meta.year ? std::to_string(*r.meta.year) : "") + "," + opt(r.meta.kind) + "," +
             std::to_string(r.figures) + "," + std::to_string(r.projects) + "," + std::to_string(r.rows) + "," +
             std::to_string(r.checks_passed) + "," + std::to_string(r.checks_failed) + "," + Text(TablesJsonText(r)) + "\r\n";
    for (const FigureRecord& f : d.figures) {
      auto e = MoneyExponent(f.unit);
      const Change* c = f.change ? &*f.change : nullptr;
      const Plan* p = f.plan ? &*f.plan : nullptr;
      out[1] += src + "," + Text(f.field) + "," + Text(f.label) + "," + f.value.text() + "," + Text(f.unit) + "," +
                (e ? f.value.Shift(*e).text() : "") + "," + (c ? c->direction : "") + "," +
                (c ? Num(c->amount) : "") + "," + (c ? Text(c->unit) : "") + "," + (c ? Num(c->percent) : "") + "," +
                (c ? Text(c->basis) : "") + "," + (c ? Num(c->base_value) : "") + "," + (p ? Num(p->value) : "") +
                "," + (p ? Text(p->unit) : "") + "," + (p ? Num(p->completion_percent) : "") + "," +
                Num(f.share_percent) + "," + Text(Joined(f.section, " > ")) + "," + std::to_string(f.page) + "," +
                Text(f.text) + "\r\n";
    }
    for (const ProjectRecord& p : d.projects) {
      std::vector<std::string> ind;
      for (const auto& i : p.indicators) ind.push_back(i.kind + ":" + i.text);
      auto e = p.value ? MoneyExponent(p.unit) : std::nullopt;
      out[2] += src + "," + Text(p.name) + "," + Num(p.value) + "," + Text(p.unit) + "," +
                (e ? p.value->Shift(*e).text() : "") + "," + Text(p.implementer) + "," + Text(p.period) + "," +
                Text(Joined(ind, "; ")) + "," + std::to_string(p.page) + "\r\n";
    }
    // Rows in long form (one line per cell): tables differ in their columns.
    for (const RowRecord& row : d.rows)
      for (const auto& [column, value] : row.cells)
        out[3] += src + "," + Text(row.table) + "," + Text(row.side) + "," + std::to_string(row.page) + "," +
                  Text(row.code) + "," + Text(row.name) + "," + Text(column) + "," + value.text() + "," +
                  Text(row.unit) + "\r\n";
    for (const CheckRecord& c : d.checks)
      out[4] += src + "," + Text(c.rule) + "," + Text(c.status) + "," + c.expected.text() + "," + c.actual.text() +
                "," + Text(c.unit) + "," + Text(Joined(c.fields, " ")) + "," + Text(c.where) + "," +
                std::to_string(c.page) + "\r\n";
    for (const ErrorInfo& x : d.errors)
      out[5] += src + "," + std::to_string(x.page) + "," + Text(x.code) + "," + Text(x.message) + "\r\n";
    for (int i = 0; i < kFiles; ++i)
      if (!files_[i].Append(out[i], error)) return false;
    Json m = Entry(d);
    m["end"] = Ends();
    return manifest_.Append(m, error);
  }

  bool Duplicate(const std::string& path, const std::string& sha, std::string* error) override {
    Json m = DuplicateEntry(path, sha);
    m["end"] = Ends();
    return manifest_.Append(m, error);
  }
  bool durable() const override { return true; }
  bool Finish(std::string*) override { return true; }

 private:
  Json Ends() const {
    Json e = Json::object();
    for (int i = 0; i < kFiles; ++i) e[names_[i]] = files_[i].length();
    return e;
  }
  Manifest manifest_;
  AppendFile files_[kFiles];
  std::string names_[kFiles];
};

}  // namespace

std::unique_ptr<RecordSink> MakeJsonlSink(std::ostream* out) { return std::make_unique<JsonlSink>(out); }

std::unique_ptr<RecordSink> MakeJsonlDirSink(const std::string& dir, bool resume, std::vector<Completed>* done,
                                             std::string* error) {
  auto s = std::make_unique<JsonlDirSink>();
  if (!s->Open(dir, resume, done, error)) return nullptr;
  return s;
}

std::unique_ptr<RecordSink> MakeCsvSink(const std::string& dir, bool excel, bool resume, std::vector<Completed>* done,
                                        std::string* error) {
  auto s = std::make_unique<CsvSink>();
  if (!s->Open(dir, excel, resume, done, error)) return nullptr;
  return s;
}

}  // namespace cnbudget
