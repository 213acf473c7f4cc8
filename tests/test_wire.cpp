// The worker → parent wire (src/wire.h): a document's output decodes to the
// same records it was encoded from, and a cut or damaged message is refused.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "grammar/checks.h"
#include "grammar/lexicon.h"
#include "grammar/metadata.h"
#include "src/pipeline.h"
#include "src/records.h"
#include "src/wire.h"

using namespace cnbudget;

namespace {

// Every record of an output as its JSON line: what a sink writes is what
// must survive the wire.
std::vector<std::string> Lines(const DocumentOutput& o) {
  const std::string& src = o.document.source;
  std::vector<std::string> v{ToJson(o.document)};
  for (const auto& r : o.figures) v.push_back(ToJson(src, r));
  for (const auto& r : o.projects) v.push_back(ToJson(src, r));
  for (const auto& r : o.rows) v.push_back(ToJson(src, r));
  for (const auto& r : o.checks) v.push_back(ToJson(src, r));
  for (const auto& r : o.errors) v.push_back(ToJson(src, r));
  return v;
}

DocumentOutput Run(const std::string& path) {
  std::string error;
  static std::unique_ptr<Grammar> g = Grammar::Load(CNBUDGET_GRAMMAR_DIR, &error);
  static std::unique_ptr<Gazetteer> gaz = Gazetteer::Load(std::string(CNBUDGET_GRAMMAR_DIR) + "/data/divisions.tsv", &error);
  static std::unique_ptr<CheckRules> checks = CheckRules::Load(std::string(CNBUDGET_GRAMMAR_DIR) + "/rules/checks.tsv", &error);
  REQUIRE(g);
  REQUIRE(gaz);
  REQUIRE(checks);
  return Pipeline(*g, gaz.get(), checks.get()).Process(path, LoadOptions{});
}

void RoundTrip(const DocumentOutput& in) {
  std::string bytes = EncodeOutput(in);
  DocumentOutput out;
  REQUIRE(DecodeOutput(bytes, &out));
  CHECK(out.records() == in.records());
  CHECK(Lines(out) == Lines(in));
  CHECK(EncodeOutput(out) == bytes);
}

}  // namespace

TEST_CASE("wire: a PDF's whole output (figures, projects, rows, checks) survives encode/decode") {
  DocumentOutput o = Run(std::string(CNBUDGET_TEST_CORPUS) + "/seed/seed-libreoffice.pdf");
  REQUIRE(o.status() == "ok");
  // The seed has every record type but errors; all must be exercised.
  REQUIRE(!o.figures.empty());
  REQUIRE(!o.projects.empty());
  REQUIRE(!o.rows.empty());
  REQUIRE(!o.checks.empty());
  REQUIRE(o.document.tables.size() >= 2);
  RoundTrip(o);
}

TEST_CASE("wire: a failed document and its error survive encode/decode") {
  DocumentOutput o = Run(std::string(CNBUDGET_TEST_CORPUS) + "/seed/seed-garbage.pdf");
  REQUIRE(o.status() == "failed");
  REQUIRE(o.document.error);
  RoundTrip(o);
  o.errors.push_back(ErrorInfo{"damaged_page", "page 3: \xE4\xB8\x8D\xE5\x8F\xAF\xE8\xAF\xBB \"quoted\"\n\t", 3});
  RoundTrip(o);
}

TEST_CASE("wire: empty strings, zero and negative decimals, and missing optionals survive") {
  DocumentOutput o;
  o.document.source = "";
  o.document.status = "partial";
  FigureRecord f;
  f.field = "income.total";
  f.value = *Decimal::Parse("-0.05");
  o.figures.push_back(f);
  RowRecord r;
  r.cells.push_back({"a/b", *Decimal::Parse("0.00")});
  r.cells.push_back({"", *Decimal::Parse("123456789012345678.90")});
  o.rows.push_back(r);
  RoundTrip(o);
}

TEST_CASE("wire: every truncation of a message is refused, never half-decoded") {
  DocumentOutput o = Run(std::string(CNBUDGET_TEST_CORPUS) + "/seed/seed-libreoffice.pdf");
  std::string bytes = EncodeOutput(o);
  size_t step = bytes.size() / 400 + 1;  // a few hundred cut points, including every early one
  for (size_t n = 0; n < bytes.size(); n += (n < 64 ? 1 : step)) {
    DocumentOutput out;
    CHECK_MESSAGE(!DecodeOutput(bytes.substr(0, n), &out), "decoded a message cut at " << n << " of " << bytes.size());
  }
  DocumentOutput out;
  CHECK_FALSE(DecodeOutput(bytes + "x", &out));  // trailing bytes: not one whole message
}
