#include <sqlite3.h>

#include <filesystem>

#include "src/sink.h"

namespace cnbudget {
namespace {

// Fields that get a column in figures_wide.
const char* kWideFields[] = {
    "income.total", "income.fiscal", "income.general_budget", "income.gov_fund", "income.other",
    "expenditure.total", "expenditure.basic", "expenditure.project", "fiscal_expenditure.total",
    "fiscal_expenditure.basic", "fiscal_expenditure.project", "general_budget_expenditure.total",
    "gov_fund_expenditure.total", "three_public.total", "three_public.overseas", "three_public.reception",
    "three_public.vehicles", "operating_costs", "procurement.total", "staff.authorized", "staff.actual",
    "vehicles.total"};

const char kSchema[] = R"SQL(
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS documents (
  source TEXT PRIMARY KEY, sha256 TEXT, pages INTEGER, status TEXT, error_code TEXT, error_message TEXT,
  title TEXT, district TEXT, division_code TEXT, department TEXT, year INTEGER, kind TEXT,
  figures INTEGER, projects INTEGER, rows INTEGER, checks_passed INTEGER, checks_failed INTEGER, tables TEXT);
CREATE TABLE IF NOT EXISTS figures (
  source TEXT, field TEXT, label TEXT, value REAL, value_text TEXT, unit TEXT, yuan NUMERIC,
  change_direction TEXT, change_amount TEXT, change_unit TEXT, change_percent TEXT, change_basis TEXT,
  change_base_value TEXT, plan_value TEXT, plan_unit TEXT, plan_completion_percent TEXT, share_percent TEXT,
  section TEXT, page INTEGER, text TEXT, original TEXT);
CREATE TABLE IF NOT EXISTS projects (
  source TEXT, name TEXT, value REAL, value_text TEXT, unit TEXT, yuan NUMERIC, implementer TEXT, period TEXT,
  indicators TEXT, page INTEGER);
CREATE TABLE IF NOT EXISTS rows (source TEXT, "table" TEXT, side TEXT, page INTEGER, code TEXT, name TEXT,
  cells TEXT, unit TEXT);
CREATE TABLE IF NOT EXISTS cells (source TEXT, "table" TEXT, side TEXT, page INTEGER, code TEXT, name TEXT,
  "column" TEXT, value REAL, value_text TEXT, unit TEXT);
CREATE TABLE IF NOT EXISTS checks (source TEXT, rule TEXT, status TEXT, expected TEXT, actual TEXT, unit TEXT,
  fields TEXT, "where" TEXT, page INTEGER);
CREATE TABLE IF NOT EXISTS manifest (path TEXT PRIMARY KEY, sha256 TEXT, status TEXT, records INTEGER);
CREATE TABLE IF NOT EXISTS errors (source TEXT, page INTEGER, code TEXT, message TEXT);
CREATE INDEX IF NOT EXISTS figures_field ON figures(field);
CREATE INDEX IF NOT EXISTS figures_source ON figures(source);
CREATE INDEX IF NOT EXISTS cells_code ON cells(code);
CREATE INDEX IF NOT EXISTS documents_district_year ON documents(district, year);
)SQL";

class SqliteSink : public RecordSink {
 public:
  ~SqliteSink() override {
    for (sqlite3_stmt* s : {doc_, fig_, proj_, err_, row_, cell_, check_, manifest_})
      if (s) sqlite3_finalize(s);
    if (db_) sqlite3_close(db_);
  }

  bool Open(const std::string& path, bool resume, std::vector<Completed>* done, std::string* error) {
    if (!resume) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
    }
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) return Fail(error, "cannot open " + path);
    sqlite3_busy_timeout(db_, 5000);
    if (!Exec(kSchema, error)) return false;
    // A file resumed from a cnbudget before documents.tables gets the column.
    {
      sqlite3_stmt* q = nullptr;
      bool has_tables = false;
      if (sqlite3_prepare_v2(db_, "SELECT 1 FROM pragma_table_info('documents') WHERE name = 'tables'", -1, &q,
                             nullptr) == SQLITE_OK)
        has_tables = sqlite3_step(q) == SQLITE_ROW;
      sqlite3_finalize(q);
      if (!has_tables && !Exec("ALTER TABLE documents ADD COLUMN tables TEXT", error)) return false;
    }
    if (resume) {
      sqlite3_stmt* q = nullptr;
      if (sqlite3_prepare_v2(db_, "SELECT path, sha256 FROM manifest", -1, &q, nullptr) != SQLITE_OK)
        return Fail(error, "cannot read the manifest of " + path);
      while (sqlite3_step(q) == SQLITE_ROW) {
        auto col = [&](int i) {
          const unsigned char* t = sqlite3_column_text(q, i);
          return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
        };
        done->push_back(Completed{col(0), col(1)});
      }
      sqlite3_finalize(q);
    }
    std::string view = "DROP VIEW IF EXISTS figures_wide; CREATE VIEW figures_wide AS SELECT d.source, d.department, "
                       "d.district, d.division_code, d.year, d.kind";
    for (const char* f : kWideFields)
      view += std::string(", (SELECT f.value FROM figures f WHERE f.source = d.source AND f.field = '") + f +
              "' ORDER BY f.rowid LIMIT 1) AS \"" + f + "\"";
    view += " FROM documents d;";
    if (!Exec(view.c_str(), error)) return false;
    return Prepare("INSERT OR REPLACE INTO documents VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
                   &doc_, error) &&
           Prepare("INSERT INTO rows VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", &row_, error) &&
           Prepare("INSERT INTO cells VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)", &cell_, error) &&
           Prepare("INSERT INTO checks VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)", &check_, error) &&
           Prepare("INSERT OR REPLACE INTO manifest VALUES (?1,?2,?3,?4)", &manifest_, error) &&
           Prepare("INSERT INTO figures VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)",
                   &fig_, error) &&
           Prepare("INSERT INTO projects VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)", &proj_, error) &&
           Prepare("INSERT INTO errors VALUES (?1,?2,?3,?4)", &err_, error);
  }

  bool Write(const DocumentOutput& d, std::string* error) override {
    if (!Exec("BEGIN", error)) return false;
    const DocumentRecord& r = d.document;
    const std::string& src = r.source;
    // A source written again (a rerun into the same file) replaces its rows.
    sqlite3_stmt* del;
    for (const char* t : {"figures", "projects", "errors", "rows", "cells", "checks"}) {
      std::string sql = std::string("DELETE FROM ") + t + " WHERE source = ?1";
      if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &del, nullptr) != SQLITE_OK) return Rollback(error);
      sqlite3_bind_text(del, 1, src.c_str(), -1, SQLITE_TRANSIENT);
      int rc = sqlite3_step(del);
      sqlite3_finalize(del);
      if (rc != SQLITE_DONE) return Rollback(error);
    }
    int i = 1;
    Text(doc_, i++, src);
    Text(doc_, i++, r.sha256);
    sqlite3_bind_int(doc_, i++, r.pages);
    Text(doc_, i++, r.status);
    OptText(doc_, i++, r.error ? std::optional<std::string>(r.error->code) : std::nullopt);
    OptText(doc_, i++, r.error ? std::optional<std::string>(r.error->message) : std::nullopt);
    OptText(doc_, i++, r.meta.title);
    OptText(doc_, i++, r.meta.district);
    OptText(doc_, i++, r.meta.division_code);
    OptText(doc_, i++, r.meta.department);
    if (r.meta.year) sqlite3_bind_int(doc_, i++, *r.meta.year);
    else sqlite3_bind_null(doc_, i++);
    OptText(doc_, i++, r.meta.kind);
    sqlite3_bind_int(doc_, i++, r.figures);
    sqlite3_bind_int(doc_, i++, r.projects);
    sqlite3_bind_int(doc_, i++, r.rows);
    sqlite3_bind_int(doc_, i++, r.checks_passed);
    sqlite3_bind_int(doc_, i++, r.checks_failed);
    Text(doc_, i++, TablesJsonText(r));
    if (!Step(doc_)) return Rollback(error);
    for (const FigureRecord& f : d.figures) {
      i = 1;
      Text(fig_, i++, src);
      Text(fig_, i++, f.field);
      Text(fig_, i++, f.label);
      Number(fig_, i++, f.value);
      Text(fig_, i++, f.value.text());
      Text(fig_, i++, f.unit);
      auto e = MoneyExponent(f.unit);
      if (e) Number(fig_, i++, f.value.Shift(*e));
      else sqlite3_bind_null(fig_, i++);
      const Change* c = f.change ? &*f.change : nullptr;
      OptText(fig_, i++, c ? std::optional<std::string>(c->direction) : std::nullopt);
      OptDec(fig_, i++, c ? c->amount : std::nullopt);
      OptText(fig_, i++, c && !c->unit.empty() ? std::optional<std::string>(c->unit) : std::nullopt);
      OptDec(fig_, i++, c ? c->percent : std::nullopt);
      OptText(fig_, i++, c && !c->basis.empty() ? std::optional<std::string>(c->basis) : std::nullopt);
      OptDec(fig_, i++, c ? c->base_value : std::nullopt);
      const Plan* p = f.plan ? &*f.plan : nullptr;
      OptDec(fig_, i++, p ? p->value : std::nullopt);
      OptText(fig_, i++, p && !p->unit.empty() ? std::optional<std::string>(p->unit) : std::nullopt);
      OptDec(fig_, i++, p ? p->completion_percent : std::nullopt);
      OptDec(fig_, i++, f.share_percent);
      std::string section;
      for (const auto& s : f.section) section += (section.empty() ? "" : " > ") + s;
      Text(fig_, i++, section);
      sqlite3_bind_int(fig_, i++, f.page);
      Text(fig_, i++, f.text);
      Text(fig_, i++, f.original);
      if (!Step(fig_)) return Rollback(error);
    }
    for (const ProjectRecord& p : d.projects) {
      i = 1;
      Text(proj_, i++, src);
      Text(proj_, i++, p.name);
      if (p.value) Number(proj_, i++, *p.value), Text(proj_, i++, p.value->text());
      else sqlite3_bind_null(proj_, i++), sqlite3_bind_null(proj_, i++);
      Text(proj_, i++, p.unit);
      auto e = p.value ? MoneyExponent(p.unit) : std::nullopt;
      if (e) Number(proj_, i++, p.value->Shift(*e));
      else sqlite3_bind_null(proj_, i++);
      Text(proj_, i++, p.implementer);
      Text(proj_, i++, p.period);
      std::string ind;
      for (const auto& x : p.indicators) ind += (ind.empty() ? "" : "; ") + x.kind + ":" + x.text;
      Text(proj_, i++, ind);
      sqlite3_bind_int(proj_, i++, p.page);
      if (!Step(proj_)) return Rollback(error);
    }
    for (const RowRecord& row : d.rows) {
      for (const auto& [k, v] : row.cells) {
        i = 1;
        Text(cell_, i++, src);
        Text(cell_, i++, row.table);
        Text(cell_, i++, row.side);
        sqlite3_bind_int(cell_, i++, row.page);
        Text(cell_, i++, row.code);
        Text(cell_, i++, row.name);
        Text(cell_, i++, k);
        Number(cell_, i++, v);
        Text(cell_, i++, v.text());
        Text(cell_, i++, row.unit);
        if (!Step(cell_)) return Rollback(error);
      }
      i = 1;
      Text(row_, i++, src);
      Text(row_, i++, row.table);
      Text(row_, i++, row.side);
      sqlite3_bind_int(row_, i++, row.page);
      Text(row_, i++, row.code);
      Text(row_, i++, row.name);
      Text(row_, i++, CellsJson(row));
      Text(row_, i++, row.unit);
      if (!Step(row_)) return Rollback(error);
    }
    for (const CheckRecord& c : d.checks) {
      i = 1;
      Text(check_, i++, src);
      Text(check_, i++, c.rule);
      Text(check_, i++, c.status);
      Text(check_, i++, c.expected.text());
      Text(check_, i++, c.actual.text());
      Text(check_, i++, c.unit);
      std::string fields;
      for (const auto& f : c.fields) fields += (fields.empty() ? "" : " ") + f;
      Text(check_, i++, fields);
      Text(check_, i++, c.where);
      sqlite3_bind_int(check_, i++, c.page);
      if (!Step(check_)) return Rollback(error);
    }
    for (const ErrorInfo& x : d.errors) {
      Text(err_, 1, src);
      sqlite3_bind_int(err_, 2, x.page);
      Text(err_, 3, x.code);
      Text(err_, 4, x.message);
      if (!Step(err_)) return Rollback(error);
    }
    if (!Manifest(src, r.sha256, r.status, static_cast<int>(d.records()))) return Rollback(error);
    return Exec("COMMIT", error);
  }

  bool Duplicate(const std::string& path, const std::string& sha, std::string* error) override {
    if (!Manifest(path, sha, "duplicate", 0)) return Fail(error, "sqlite write");
    return true;
  }
  bool durable() const override { return true; }
  bool Finish(std::string*) override { return true; }

 private:
  bool Manifest(const std::string& path, const std::string& sha, const std::string& status, int records) {
    Text(manifest_, 1, path);
    Text(manifest_, 2, sha);
    Text(manifest_, 3, status);
    sqlite3_bind_int(manifest_, 4, records);
    return Step(manifest_);
  }
  bool Fail(std::string* error, const std::string& what) {
    *error = what + (db_ ? std::string(": ") + sqlite3_errmsg(db_) : "");
    return false;
  }
  bool Exec(const char* sql, std::string* error) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      *error = std::string("sqlite: ") + (msg ? msg : "error");
      sqlite3_free(msg);
      return false;
    }
    return true;
  }
  bool Prepare(const char* sql, sqlite3_stmt** st, std::string* error) {
    if (sqlite3_prepare_v2(db_, sql, -1, st, nullptr) != SQLITE_OK) return Fail(error, "sqlite prepare");
    return true;
  }
  bool Step(sqlite3_stmt* st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE;
  }
  bool Rollback(std::string* error) {
    Fail(error, "sqlite write");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return false;
  }
  static void Text(sqlite3_stmt* st, int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  static void OptText(sqlite3_stmt* st, int i, const std::optional<std::string>& s) {
    if (s) Text(st, i, *s);
    else sqlite3_bind_null(st, i);
  }
  static void OptDec(sqlite3_stmt* st, int i, const std::optional<Decimal>& d) {
    if (d) Text(st, i, d->text());
    else sqlite3_bind_null(st, i);
  }
  // A number column: integers exactly; others as SQLite reals for querying
  // (value_text keeps the written digits).
  static void Number(sqlite3_stmt* st, int i, const Decimal& d) {
    const std::string& t = d.text();
    if (t.find('.') == std::string::npos && t.size() < 18) {
      sqlite3_bind_int64(st, i, std::stoll(t));
    } else {
      // sqlite converts the text with its own exact-as-possible parser.
      sqlite3_bind_text(st, i, t.c_str(), -1, SQLITE_TRANSIENT);
    }
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt *doc_ = nullptr, *fig_ = nullptr, *proj_ = nullptr, *err_ = nullptr, *row_ = nullptr,
               *cell_ = nullptr, *check_ = nullptr, *manifest_ = nullptr;
};

}  // namespace

std::unique_ptr<RecordSink> MakeSqliteSink(const std::string& dir, bool resume, std::vector<Completed>* done,
                                           std::string* error) {
  auto s = std::make_unique<SqliteSink>();
  if (!s->Open(dir + "/cnbudget.sqlite", resume, done, error)) return nullptr;
  return s;
}

}  // namespace cnbudget
