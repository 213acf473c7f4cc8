// The consistency checks of grammar/rules/checks.tsv on small documents
// whose sums are known, including ones that must fail.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>

#include "grammar/checks.h"

using namespace cnbudget;

namespace {

const CheckRules& Rules() {
  static std::unique_ptr<CheckRules> r = [] {
    std::string error;
    auto loaded = CheckRules::Load(std::string(CNBUDGET_GRAMMAR_DIR) + "/rules/checks.tsv", &error);
    if (!loaded) FAIL("checks: " << error);
    return loaded;
  }();
  return *r;
}

Decimal D(const char* s) { return *Decimal::Parse(s); }

FigureRecord Fig(const char* field, const char* value, const char* unit = "万元", const char* section = "收入") {
  FigureRecord f;
  f.field = field;
  f.value = D(value);
  f.unit = unit;
  f.section = {"一、收支情况", section};
  f.page = 1;
  return f;
}

const CheckRecord* Find(const std::vector<CheckRecord>& v, const std::string& rule) {
  for (const auto& c : v)
    if (c.rule == rule) return &c;
  return nullptr;
}

RowRecord Row(const char* table, const char* code, const char* name,
              std::vector<std::pair<std::string, std::string>> cells) {
  RowRecord r;
  r.table = table;
  r.code = code;
  r.name = name;
  r.unit = "万元";
  r.page = 5;
  for (auto& [k, v] : cells) r.cells.emplace_back(k, D(v.c_str()));
  return r;
}

}  // namespace

TEST_CASE("A total that is not the sum of its stated parts fails; one that is passes") {
  // The seed's 收入预算总额 462.48 against 442.48 + 0 + 0.
  std::vector<FigureRecord> figs = {Fig("income.total", "462.48"), Fig("income.fiscal", "442.48"),
                                    Fig("income.operating", "0"), Fig("income.other", "0")};
  auto checks = Rules().Run(figs, {});
  const CheckRecord* c = Find(checks, "income.total=sum(parts)");
  REQUIRE(c);
  CHECK(c->status == "fail");
  CHECK(c->expected.text() == "442.48");
  CHECK(c->actual.text() == "462.48");
  figs[3].value = D("20.00");
  checks = Rules().Run(figs, {});
  REQUIRE(Find(checks, "income.total=sum(parts)"));
  CHECK(Find(checks, "income.total=sum(parts)")->status == "pass");
}

TEST_CASE("Parts stated in another section are not parts; one part alone is no breakdown") {
  std::vector<FigureRecord> figs = {Fig("expenditure.total", "100", "万元", "支出"),
                                    Fig("expenditure.basic", "60", "万元", "支出"),
                                    Fig("expenditure.project", "40", "万元", "财政拨款")};
  CHECK_FALSE(Find(Rules().Run(figs, {}), "expenditure.total=basic+project"));
  figs[2].section = figs[0].section;
  CHECK(Find(Rules().Run(figs, {}), "expenditure.total=basic+project")->status == "pass");
}

TEST_CASE("Sums allow the rounding of printed parts, in any money unit") {
  // 3 parts printed to 2 decimals may be off by up to 0.015 in total.
  std::vector<FigureRecord> figs = {Fig("procurement.total", "10.01"), Fig("procurement.goods", "3.34"),
                                    Fig("procurement.works", "3.33"), Fig("procurement.services", "3.33")};
  CHECK(Find(Rules().Run(figs, {}), "procurement.total=goods+works+services")->status == "pass");
  figs[0].value = D("10.05");
  CHECK(Find(Rules().Run(figs, {}), "procurement.total=goods+works+services")->status == "fail");
  // A part in 元 against a total in 万元.
  figs = {Fig("procurement.total", "1.5"), Fig("procurement.goods", "10000", "元"),
          Fig("procurement.works", "0.5")};
  CHECK(Find(Rules().Run(figs, {}), "procurement.total=goods+works+services")->status == "pass");
}

TEST_CASE("Change arithmetic: percent = change / prior year, to the written precision") {
  FigureRecord f = Fig("operating_costs", "103.00");
  f.change = Change{"increase", D("26.79"), "万元", D("35.15"), "2023年预算", std::nullopt};
  auto checks = Rules().Run({f}, {});
  const CheckRecord* c = Find(checks, "change.percent=change/prior");
  REQUIRE(c);
  CHECK(c->status == "pass");
  CHECK(c->expected.text() == "35.15");
  f.change->percent = D("36.15");
  CHECK(Find(Rules().Run({f}, {}), "change.percent=change/prior")->status == "fail");
  // A decrease: prior = value + change.  50 → 40 is -20%.
  f.value = D("40");
  f.change = Change{"decrease", D("10"), "万元", D("20"), "上年", std::nullopt};
  CHECK(Find(Rules().Run({f}, {}), "change.percent=change/prior")->status == "pass");
  // A stated prior year is checked against value - change.
  f.change = Change{"decrease", D("221"), "万元", std::nullopt, "2024年", D("2190")};
  f.value = D("1969");
  CHECK(Find(Rules().Run({f}, {}), "change.prior=value-change")->status == "pass");
  f.value = D("1970");
  CHECK(Find(Rules().Run({f}, {}), "change.prior=value-change")->status == "fail");
}

TEST_CASE("Completion percent = actual / plan") {
  FigureRecord f = Fig("expenditure.total", "2940.06");
  f.plan = Plan{D("2993.92"), "万元", D("98.20")};
  CHECK(Find(Rules().Run({f}, {}), "plan.completion=actual/plan")->status == "pass");
  f.plan->completion_percent = D("99.20");
  CHECK(Find(Rules().Run({f}, {}), "plan.completion=actual/plan")->status == "fail");
}

TEST_CASE("Table rows: codes sum to their parent, the 合计 row to the classes, columns to the total") {
  const char* t = "一般公共预算支出表";
  std::vector<RowRecord> rows = {
      Row(t, "", "合计", {{"合计", "150.00"}, {"基本支出", "100.00"}, {"项目支出", "50.00"}}),
      Row(t, "201", "一般公共服务支出", {{"合计", "140.00"}, {"基本支出", "100.00"}, {"项目支出", "40.00"}}),
      Row(t, "20103", "政府办公厅(室)及相关机构事务", {{"合计", "140.00"}, {"基本支出", "100.00"}, {"项目支出", "40.00"}}),
      Row(t, "2010301", "行政运行", {{"合计", "100.00"}, {"基本支出", "100.00"}}),
      Row(t, "2010302", "一般行政管理事务", {{"合计", "40.00"}, {"项目支出", "40.00"}}),
      Row(t, "221", "住房保障支出", {{"合计", "10.00"}, {"项目支出", "10.00"}}),
  };
  auto checks = Rules().Run({}, rows);
  int children = 0, failed = 0;
  for (const auto& c : checks) {
    if (c.rule == "table.code=sum(subcodes)") ++children;
    if (c.status == "fail") ++failed;
  }
  CHECK(children == 2);  // 201 = Σ 20103; 20103 = Σ 2010301, 2010302
  CHECK(failed == 0);
  REQUIRE(Find(checks, "table.total=sum(classes)"));
  CHECK(Find(checks, "table.total=sum(classes)")->status == "pass");
  CHECK(Find(checks, "table.row_total=sum(columns)")->status == "pass");
  // Break one 项: its 款 no longer adds up, and the check says where.
  rows[4].cells[0].second = D("45.00");
  checks = Rules().Run({}, rows);
  bool found = false;
  for (const auto& c : checks)
    if (c.rule == "table.code=sum(subcodes)" && c.status == "fail") {
      found = true;
      CHECK(c.where.find("20103") != std::string::npos);
      CHECK(c.expected.text() == "145.00");
    }
  CHECK(found);
}

TEST_CASE("A prose figure is checked against the same field in a table") {
  FigureRecord prose = Fig("three_public.total", "40");
  FigureRecord table = Fig("three_public.total", "400000.00", "元");
  table.section = {"三公经费支出表"};
  RowRecord row = Row("三公经费支出表", "", "合计", {{"合计", "400000.00"}});
  auto checks = Rules().Run({prose, table}, {row});
  REQUIRE(Find(checks, "figure.prose=table"));
  CHECK(Find(checks, "figure.prose=table")->status == "pass");
  checks = Rules().Run({Fig("three_public.total", "41"), table}, {row});
  CHECK(Find(checks, "figure.prose=table")->status == "fail");
}

TEST_CASE("A malformed rule file names its line") {
  std::string path = "/tmp/cnbudget_bad_checks.tsv";
  {
    std::ofstream f(path);
    f << "# comment\nsum\tx=y\tx\n";
  }
  std::string error;
  CHECK_FALSE(CheckRules::Load(path, &error));
  CHECK(error.find(":2:") != std::string::npos);
  {
    std::ofstream f(path);
    f << "median\tm\n";
  }
  CHECK_FALSE(CheckRules::Load(path, &error));
  CHECK(error.find("unknown check kind") != std::string::npos);
}
