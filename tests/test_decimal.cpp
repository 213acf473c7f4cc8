#include <doctest/doctest.h>

#include "grammar/decimal.h"
#include "src/records.h"

using cnbudget::Decimal;

TEST_CASE("Decimal keeps the digits as written") {
  CHECK(Decimal::Parse("462.48")->text() == "462.48");
  CHECK(Decimal::Parse("103.00")->text() == "103.00");
  CHECK(Decimal::Parse("0")->text() == "0");
  CHECK(Decimal::Parse("007")->text() == "7");
  CHECK(Decimal::Parse("1,708.03")->text() == "1708.03");
  CHECK(Decimal::Parse("21,955.35")->text() == "21955.35");
  CHECK(Decimal::Parse("96,282,213.44")->text() == "96282213.44");
}

TEST_CASE("Decimal rejects what is not a number") {
  CHECK_FALSE(Decimal::Parse(""));
  CHECK_FALSE(Decimal::Parse("1.2.3"));
  CHECK_FALSE(Decimal::Parse("abc"));
  CHECK_FALSE(Decimal::Parse("12,34"));
  CHECK_FALSE(Decimal::Parse(".5"));
  CHECK_FALSE(Decimal::Parse("5."));
  CHECK_FALSE(Decimal::Parse("1,2345"));
}

TEST_CASE("Conversion to yuan is exact") {
  CHECK(Decimal::Parse("462.48")->Shift(4).text() == "4624800");
  CHECK(Decimal::Parse("0.01")->Shift(4).text() == "100");
  CHECK(Decimal::Parse("18976.7551")->Shift(4).text() == "189767551");
  CHECK(Decimal::Parse("1.23456")->Shift(4).text() == "12345.6");
  CHECK(Decimal::Parse("0")->Shift(8).text() == "0");
  CHECK(Decimal::Parse("96282213.44")->Shift(0).text() == "96282213.44");
  CHECK(Decimal::Parse("12")->Shift(-4).text() == "0.0012");
}

TEST_CASE("Exact arithmetic for checks") {
  auto d = [](const char* s) { return *Decimal::Parse(s); };
  CHECK((d("442.48") + d("20.00")).text() == "462.48");
  CHECK((d("393.98") + d("48.5")) == d("442.48"));
  CHECK((d("0.1") + d("0.2")) == d("0.3"));
  CHECK((d("103.00") - d("26.79")).text() == "76.21");
  CHECK((d("1") - d("2")).text() == "-1");
  CHECK(d("462.48").Compare(d("442.48")) == 1);
  CHECK(d("0.00").is_zero());
}

TEST_CASE("Money units") {
  CHECK(*cnbudget::MoneyExponent("万元") == 4);
  CHECK(*cnbudget::MoneyExponent("元") == 0);
  CHECK(*cnbudget::MoneyExponent("亿元") == 8);
  CHECK_FALSE(cnbudget::MoneyExponent("人"));
}

TEST_CASE("JSON numbers carry the written digits") {
  cnbudget::FigureRecord f;
  f.field = "operating_costs";
  f.value = *Decimal::Parse("103.00");
  f.unit = "万元";
  std::string j = cnbudget::ToJson("x.pdf", f);
  CHECK(j.find("\"value\":103.00") != std::string::npos);
  CHECK(j.find("\"yuan\":1030000") != std::string::npos);
}

TEST_CASE("text that looks like the number marker stays text") {
  cnbudget::FigureRecord f;
  f.field = "x";
  f.label = "\x01" "DEC:5abc";
  f.value = *Decimal::Parse("1");
  std::string j = cnbudget::ToJson("a\"b.pdf", f);
  CHECK(j.find("\"label\":\"\\u0001DEC:5abc\"") != std::string::npos);
  CHECK(j.find("\"source\":\"a\\\"b.pdf\"") != std::string::npos);
}

TEST_CASE("Division for percent checks is exact and rounds as documents do") {
  auto d = [](const char* s) { return *cnbudget::Decimal::Parse(s); };
  CHECK(d("26.79").Shift(2).Divide(d("76.21"), 2)->text() == "35.15");   // 35.1528...
  CHECK(d("1").Divide(d("3"), 2)->text() == "0.33");
  CHECK(d("2").Divide(d("3"), 2)->text() == "0.67");
  CHECK(d("2").Divide(d("3"), 2, false)->text() == "0.66");
  CHECK(d("-1").Divide(d("8"), 2)->text() == "-0.13");
  CHECK(d("100").Divide(d("0.5"), 0)->text() == "200");
  CHECK_FALSE(d("1").Divide(d("0.00"), 2).has_value());
  CHECK_FALSE(d("123456789012345678901234567890").Divide(d("7"), 8).has_value());
  CHECK(d("-3.5").Abs().text() == "3.5");
}

TEST_CASE("Sums and comparisons are exact past 128 bits") {
  auto d = [](const char* s) { return *cnbudget::Decimal::Parse(s); };
  // 45 digits: more than a 128-bit integer holds (about 38).
  const char* big = "999999999999999999999999999999999999999999999";
  CHECK((d(big) + d("1")).text() == "1000000000000000000000000000000000000000000000");
  CHECK((d("1") - d(big)).text() == "-999999999999999999999999999999999999999999998");
  CHECK((d(big) - d(big)).text() == "0");
  CHECK(d(big).Compare(d("1000000000000000000000000000000000000000000000")) == -1);
  CHECK(d("-1" "000000000000000000000000000000000000000000000").Compare(d(big)) == -1);
  CHECK((d("0.000000000000000000000000000000000000000001") + d("1")).text() ==
        "1.000000000000000000000000000000000000000001");
  CHECK((d("442.48") - d("462.48")).text() == "-20.00");
  CHECK((d("-0.5") + d("0.5")).text() == "0.0");
  CHECK(d("-0.00").Compare(d("0")) == 0);
  CHECK(d("-2.5").Compare(d("-2.49")) == -1);
  CHECK(d("-2.5").Compare(d("-2.51")) == 1);
}

TEST_CASE("Division works past 64 bits and refuses what 128 bits cannot hold") {
  auto d = [](const char* s) { return *cnbudget::Decimal::Parse(s); };
  // 20-digit operands overflow int64 but not the 128-bit quotient.
  CHECK(d("12345678901234567890").Divide(d("10"), 1)->text() == "1234567890123456789.0");
  CHECK(d("98765432109876543210").Divide(d("98765432109876543210"), 2)->text() == "1.00");
  CHECK(d("1").Divide(d("99999999999999999999"), 8)->text() == "0.00000000");
  CHECK_FALSE(d("1").Divide(d("1" "000000000000000000000000000000000000000"), 2).has_value());
}
