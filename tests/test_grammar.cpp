// Every grammar rule, with the cases it must refuse.
#include <doctest/doctest.h>

#include <memory>

#include "grammar/engine.h"

using namespace cnbudget;

namespace {

const Grammar& G() {
  static std::unique_ptr<Grammar> g = [] {
    std::string error;
    auto loaded = Grammar::Load(CNBUDGET_GRAMMAR_DIR, &error);
    if (!loaded) FAIL("grammar: " << error);
    return loaded;
  }();
  return *g;
}

Extraction Run(const std::string& text) {
  static Normalizer n;
  PageInput p;
  p.number = 1;
  p.raw = text;
  p.text = n.Normalize(text);
  return FigureEngine(G()).Extract({p});
}

std::vector<FigureRecord> Field(const Extraction& e, const std::string& field) {
  std::vector<FigureRecord> out;
  for (const auto& f : e.figures)
    if (f.field == field) out.push_back(f);
  return out;
}

const FigureRecord& One(const Extraction& e, const std::string& field) {
  static FigureRecord none;
  auto v = Field(e, field);
  REQUIRE_MESSAGE(v.size() == 1, field << " found " << v.size() << " times");
  static std::vector<FigureRecord> keep;
  keep.push_back(v[0]);
  return keep.back();
}

}  // namespace

TEST_CASE("grammar loads and knows its fields") {
  CHECK(G().KnownField("income.total"));
  CHECK(G().KnownField("fiscal_expenditure.function.2010301"));
  CHECK_FALSE(G().KnownField("income.nonsense"));
}

TEST_CASE("figure with change: amount, basis, direction") {
  auto e = Run("2024年青云谱区政府办公室收入预算总额为 462.48    万元,较上年预算安排增加  60.02   万元;");
  const auto& f = One(e, "income.total");
  CHECK(f.value.text() == "462.48");
  CHECK(f.unit == "万元");
  REQUIRE(f.change);
  CHECK(f.change->direction == "increase");
  CHECK(f.change->amount->text() == "60.02");
  CHECK(f.change->basis == "上年预算安排");
  CHECK(f.page == 1);
}

TEST_CASE("a following percent clause belongs to the same figure") {
  auto e = Run("2024年部门机关运行费预算 103.00 万元，比2023年预算增加 26.79 万元，增长 35.15%。");
  const auto& f = One(e, "operating_costs");
  CHECK(f.value.text() == "103.00");
  REQUIRE(f.change);
  CHECK(f.change->percent->text() == "35.15");
  CHECK(f.change->basis == "2023年预算");
  CHECK(Field(e, "unclassified").empty());
}

TEST_CASE("change directions") {
  auto e = Run("公务接待 0万元,比上年增（减）  0   万元，主要原因是：没有公务接待。");
  CHECK(One(e, "three_public.reception").change->direction == "unspecified");
  e = Run("（一）因公出国（境）费0万元，与2025年预算持平，主要原因是因公出国（境）无变化。");
  const auto& f = One(e, "three_public.overseas");
  CHECK(f.change->direction == "flat");
  CHECK(f.change->basis == "2025年预算");
  CHECK_FALSE(f.change->amount);
  e = Run("项目支出 48.5    万元,较上年预算安排减少  20.00  万元;");
  CHECK(One(e, "expenditure.project").change->direction == "decrease");
}

TEST_CASE("a blank amount is no amount") {
  auto e = Run("其他收入 5万元,比上年减少 万元。");
  const auto& f = One(e, "income.other");
  REQUIRE(f.change);
  CHECK(f.change->direction == "decrease");
  CHECK_FALSE(f.change->amount);
  // A blank figure is no figure.
  e = Run("事业收入    万元,比上年减少 万元。");
  CHECK(Field(e, "income.public_institution").empty());
}

TEST_CASE("a threshold inside a label is not a figure") {
  auto e = Run("2024年部门预算安排购置车辆 0辆，安排购置单位价值200万元以上大型设备具体为：0。");
  const auto& f = One(e, "equipment.large.planned");
  CHECK(f.value.text() == "0");
  for (const auto& x : e.figures) CHECK(x.value.text() != "200");
  CHECK(One(e, "vehicles.planned_purchase").unit == "辆");
}

TEST_CASE("counts with Chinese numerals and labels after the value") {
  auto e = Run("2024年青云谱区政府办公室共有预算单位2个，包括：一个本级单位和1个所属二级预算单位青云谱区政务公开事务中心。");
  CHECK(One(e, "org.budget_units").value.text() == "2");
  CHECK(One(e, "org.budget_units.primary").value.text() == "1");
  CHECK(One(e, "org.budget_units.secondary").value.text() == "1");
}

TEST_CASE("staff counts with spaces and underscores") {
  auto e = Run("编制人数小计 35   人,其中：行政编制人数  1 6 人,全部补助事业编制人数__19__人。");
  CHECK(One(e, "staff.authorized").value.text() == "35");
  CHECK(One(e, "staff.authorized.administrative").value.text() == "16");
  CHECK(One(e, "staff.authorized.fully_funded").value.text() == "19");
}

TEST_CASE("section context picks expenditure or fiscal_expenditure, basic or project") {
  auto e = Run(
      "(二)支出预算情况\n"
      "按支出项目类别划分：基本支出393.98万元，包括工资福利支出289.19万元。\n"
      "项目支出 48.5 万元;其中：工资福利支出 0万元。\n"
      "按支出经济分类划分：工资福利支出  289.19  万元。\n"
      "(三)财政拨款支出情况\n"
      "按支出功能科目划分：一般公共服务支出427.61万元。\n"
      "按支出项目类别划分：基本支出 393.98 万元;其中：资本性支出0万元。\n");
  CHECK(One(e, "expenditure.basic").value.text() == "393.98");
  CHECK(One(e, "expenditure.basic.wages").value.text() == "289.19");
  CHECK(One(e, "expenditure.project.wages").value.text() == "0");
  CHECK(One(e, "expenditure.economic.301").value.text() == "289.19");
  CHECK(One(e, "fiscal_expenditure.function.201").value.text() == "427.61");
  CHECK(One(e, "fiscal_expenditure.basic").value.text() == "393.98");
  CHECK(One(e, "fiscal_expenditure.basic.capital").value.text() == "0");
  CHECK(Field(e, "expenditure.function.201").empty());
}

TEST_CASE("classification lines with codes written in") {
  auto e = Run(
      "财政拨款支出主要内容如下：\n"
      "1、公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元。主要用于：行政单位的基本支出。"
      "2025年当年预算执行数为1690.69万元，2026年预算安排1672.67万元，比2025年预算执行数减少1.07%。\n");
  auto v = Field(e, "fiscal_expenditure.function.2040601");
  REQUIRE(!v.empty());
  REQUIRE(v[0].change);
  CHECK(v[0].change->direction == "decrease");
  CHECK(v[0].change->percent->text() == "1.07");
  CHECK(v[0].change->base_value->text() == "1690.69");
  CHECK(v[0].change->basis == "2025年预算执行数");
}

TEST_CASE("a combined total states two figures") {
  auto e = Run("上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比，收入支出总计减少56.95万元，下降1.87%。");
  const auto& in = One(e, "income.total");
  const auto& out = One(e, "expenditure.total");
  CHECK(in.value.text() == "2995.39");
  CHECK(out.value.text() == "2995.39");
  REQUIRE(in.change);
  CHECK(in.change->amount->text() == "56.95");
  CHECK(in.change->percent->text() == "1.87");
  CHECK(in.change->basis == "2023年度");
}

TEST_CASE("final accounts: plan and completion") {
  auto e = Run("一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%。");
  const auto& f = One(e, "general_budget_expenditure.total");
  CHECK(f.value.text() == "2940.05");
  REQUIRE(f.plan);
  CHECK(f.plan->value->text() == "2993.92");
  CHECK(f.plan->completion_percent->text() == "98.20");
  for (const auto& x : e.figures) CHECK(x.value.text() != "2993.92");
}

TEST_CASE("shares") {
  auto e = Run("本年收入合计2946.25万元，其中： 财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%；");
  CHECK(One(e, "income.current_year").value.text() == "2946.25");
  CHECK(One(e, "income.fiscal").share_percent->text() == "99.79");
  CHECK(One(e, "income.other").share_percent->text() == "0.21");
}

TEST_CASE("statements of none are zero") {
  auto e = Run("2024年青云谱区政府办政府性基金支出预算为0。\n按支出项目类别划分：\n没有使用国有资本经营预算拨款安排的支出。\n");
  CHECK(One(e, "gov_fund_expenditure.total").value.text() == "0");
  const auto& s = One(e, "state_capital_expenditure.total");
  CHECK(s.value.text() == "0");
  CHECK(s.unit == "万元");
}

TEST_CASE("vehicles held and planned") {
  auto e = Run("截至2025年8月31日，共有车辆3辆，其中：执法执勤用车3辆、其他用车0辆。2026年部门预算安排购置车辆0辆，其中：执法执勤用车0辆。");
  CHECK(One(e, "vehicles.total").value.text() == "3");
  CHECK(One(e, "vehicles.law_enforcement").value.text() == "3");
  CHECK(One(e, "vehicles.planned_purchase.law_enforcement").value.text() == "0");
  for (const auto& x : e.figures) CHECK(x.value.text() != "31");
}

TEST_CASE("table-of-contents and table lines are not prose") {
  auto e = Run("三、名词解释 ……………………………… 5\n一般公共服务支出 447.61 427.61 20.00\n");
  CHECK(e.figures.empty());
}

TEST_CASE("projects") {
  auto e = Run(
      "（九）项目情况说明（部门本级）\n"
      "1.外事专项经费（因公出国）项目\n"
      "   3）实施主体：青云谱区政府办公室\n"
      "   5）实施周期：经常性项目\n"
      "   6）年度预算安排：2024年安排财政拨款40万元\n"
      "数量指标：按时完成外事工作任务。\n"
      "二、2024年“三公”经费预算情况说明\n"
      "因公出国  40  万元,比上年减少  20万元。\n");
  REQUIRE(e.projects.size() == 1);
  CHECK(e.projects[0].name == "外事专项经费(因公出国)项目");
  CHECK(e.projects[0].value->text() == "40");
  CHECK(e.projects[0].implementer == "青云谱区政府办公室");
  CHECK(e.projects[0].period == "经常性项目");
  REQUIRE(e.projects[0].indicators.size() == 1);
  CHECK(e.projects[0].indicators[0].kind == "数量指标");
  // The project's appropriation is not an income figure; the 三公 line after it is read.
  CHECK(Field(e, "income.fiscal").empty());
  CHECK(One(e, "three_public.overseas").value.text() == "40");
}

TEST_CASE("a comparison stated later, with the label and no value, reaches the figure") {
  auto e = Run("三公经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0%。"
               "2024年度三公经费财政拨款支出决算数与2023年度持平。");
  const auto& f = One(e, "three_public.total");
  REQUIRE(f.change);
  CHECK(f.change->direction == "flat");
  CHECK(f.change->basis == "2023年度");
  CHECK(f.plan->value->text() == "0.95");
}

TEST_CASE("counts are whole numbers; decimals before a count unit are table cells") {
  auto e = Run("台式计算机(20万以下)分散自行组织4.00台式计算机采购。");
  CHECK(e.figures.empty());
}

TEST_CASE("wordings from a web-page disclosure (Chongqing): 运行经费, 车运行维护费, 涉及财政拨款, N个二级事业单位") {
  auto e = Run("三、三公经费情况说明\n严格车运行维护费2450.18万元,比2017年减少243.12万元。\n"
               "四、其他重要事项情况说明\n2018年一般公共预算财政拨款运行经费16252.11万元,比上年增加654.94万元。\n"
               "2018年项目支出均实行了绩效目标管理,涉及一般公共预算当年财政拨款263928.15万元。");
  CHECK(One(e, "three_public.vehicle_operation").value.text() == "2450.18");
  CHECK(One(e, "operating_costs").value.text() == "16252.11");
  CHECK(One(e, "performance.amount").value.text() == "263928.15");
  auto u = Run("一、单位基本情况\n纳入部门预算的单位主要是机关本级及下属的8个二级事业单位组成。");
  CHECK(One(u, "org.budget_units.secondary").value.text() == "8");
}
