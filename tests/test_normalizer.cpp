#include <doctest/doctest.h>

#include "extractor/normalizer.h"

namespace {
std::string N(const std::string& s) {
  static cnbudget::Normalizer n;
  return n.NormalizeText(s);
}
}  // namespace

TEST_CASE("full-width to half-width (NFKC)") {
  CHECK(N("４６２．４８万元") == "462.48万元");
  CHECK(N("（一）收入：") == "(一)收入:");
  CHECK(N("增长３５．１５％") == "增长35.15%");
}

TEST_CASE("spaces inside numbers and around CJK") {
  CHECK(N("行政编制人数  1 6 人") == "行政编制人数16人");
  CHECK(N("收入预算总额为 462.48    万元") == "收入预算总额为462.48万元");
  CHECK(N("增长 21.95         %") == "增长21.95%");
  CHECK(N("项   目") == "项目");
  CHECK(N("2024 年") == "2024年");
  // Two numbers in a table row stay two numbers.
  CHECK(N("一般公共服务支出 447.61 427.61") == "一般公共服务支出447.61 427.61");
}

TEST_CASE("fill-in underscores") {
  CHECK(N("全部补助事业编制人数__19__人") == "全部补助事业编制人数19人");
  CHECK(N("支出预算总额为_462.48_万元") == "支出预算总额为462.48万元");
  CHECK(N("较上年预算安排增加___0_万元") == "较上年预算安排增加0万元");
  // A blank template keeps its blank: no digit, no repair.
  CHECK(N("比上年减少 ____ 万元") == "比上年减少____万元");
}

TEST_CASE("thousands separators") {
  CHECK(N("1,708.03万元") == "1708.03万元");
  CHECK(N("21，955.35 万元") == "21955.35万元");
  CHECK(N("96,282,213.44") == "96282213.44");
  CHECK(N("0,较上年") == "0,较上年");
}

TEST_CASE("template residue and zero-width characters") {
  CHECK(N("MERGEFIELD ${page400644146.ds215660413_REP}项目支出 48.5 万元") == "项目支出48.5万元");
  CHECK(N("M E R G E F I E L D ${x}项目支出") == "项目支出");
  CHECK(N("收入\xE2\x80\x8B预算\xEF\xBB\xBF总额") == "收入预算总额");
}

TEST_CASE("Traditional to Simplified only for Traditional text") {
  CHECK(N("部門預算經費說明，財政撥款收入") == "部门预算经费说明,财政拨款收入");
  CHECK(N("部门预算") == "部门预算");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, never a crash") {
  std::string bad = "收入\xFF\xFE预算";
  std::string out = N(bad);
  CHECK(out.find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("offsets map back to the source") {
  cnbudget::Normalizer n;
  std::string raw = "总额为 ４６２．４８ 万元";
  cnbudget::NormalizedText t = n.Normalize(raw);
  REQUIRE(t.text == "总额为462.48万元");
  REQUIRE(t.source.size() == t.text.size());
  size_t four = t.text.find('4');
  CHECK(raw.substr(t.source[four], 3) == "４");
  size_t wan = t.text.find("万");
  CHECK(raw.substr(t.source[wan], 3) == "万");
}
