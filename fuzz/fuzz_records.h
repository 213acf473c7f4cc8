// Shared by the engine and PDF fuzz targets: the grammar loaded once, and the
// properties every record of a document must have whatever the input was.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "grammar/checks.h"
#include "grammar/lexicon.h"
#include "grammar/metadata.h"
#include "src/records.h"

namespace cnbudget_fuzz {

struct Rules {
  std::unique_ptr<cnbudget::Grammar> grammar;
  std::unique_ptr<cnbudget::CheckRules> checks;
  std::unique_ptr<cnbudget::Gazetteer> gazetteer;
};

inline const Rules& LoadRules() {
  static Rules* rules = [] {
    auto* r = new Rules;
    std::string dir = CNBUDGET_GRAMMAR_DIR, error;
    if (const char* env = std::getenv("CNBUDGET_GRAMMAR")) dir = env;
    r->grammar = cnbudget::Grammar::Load(dir, &error);
    if (r->grammar) r->checks = cnbudget::CheckRules::Load(dir + "/rules/checks.tsv", &error);
    if (r->checks) r->gazetteer = cnbudget::Gazetteer::Load(dir + "/data/divisions.tsv", &error);
    if (!r->gazetteer) {
      std::fprintf(stderr, "fuzz: cannot load the grammar from %s: %s\n", dir.c_str(), error.c_str());
      std::abort();
    }
    return r;
  }();
  return *rules;
}

// Every record serialises to one line of valid JSON, cites a page that
// exists, and carries its text.
inline void CheckJson(const std::string& line) {
  FUZZ_CHECK(line.find('\n') == std::string::npos, "a record is one line");
  FUZZ_CHECK(nlohmann::json::accept(line), "a record is valid JSON");
}

inline void CheckRecords(int pages, const std::vector<cnbudget::FigureRecord>& figures,
                         const std::vector<cnbudget::ProjectRecord>& projects,
                         const std::vector<cnbudget::RowRecord>& rows,
                         const std::vector<cnbudget::CheckRecord>& checks) {
  for (const auto& f : figures) {
    FUZZ_CHECK(f.page >= 1 && f.page <= pages, "figure page exists");
    FUZZ_CHECK(!f.field.empty() && !f.text.empty(), "figure has a field and its text");
    FUZZ_CHECK(cnbudget::Decimal::Parse(f.value.text()).has_value(), "figure value is a number");
    CheckJson(cnbudget::ToJson("x.pdf", f));
  }
  for (const auto& p : projects) {
    FUZZ_CHECK(p.page >= 1 && p.page <= pages, "project page exists");
    CheckJson(cnbudget::ToJson("x.pdf", p));
  }
  for (const auto& r : rows) {
    FUZZ_CHECK(r.page >= 1 && r.page <= pages, "row page exists");
    FUZZ_CHECK(!r.cells.empty(), "a row has a number");
    CheckJson(cnbudget::ToJson("x.pdf", r));
  }
  for (const auto& c : checks) {
    FUZZ_CHECK(c.status == "pass" || c.status == "fail", "check status is pass or fail");
    CheckJson(cnbudget::ToJson("x.pdf", c));
  }
}

}  // namespace cnbudget_fuzz
