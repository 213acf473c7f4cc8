#include "src/records.h"

#include <nlohmann/json.hpp>

namespace cnbudget {
namespace {

using Json = nlohmann::ordered_json;

// nlohmann has no raw-number type; a Decimal travels as a marked string and is
// unquoted after dump().  The marker is a control character, which the
// normalizer removes from all document text, so no text can forge it.
constexpr char kMark[] = "\x01" "DEC:";

Json Num(const Decimal& d) { return std::string(kMark) + d.text(); }

std::string Dump(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  const std::string open = "\"\\u0001DEC:";
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (true) {
    size_t k = s.find(open, i);
    if (k == std::string::npos) break;
    size_t from = k + open.size();
    size_t end = s.find('"', from);
    // Only a marker that holds a plain number is one of ours.
    bool number = end != std::string::npos && end > from &&
                  s.find_first_not_of("-0123456789.", from) == end;
    out.append(s, i, k - i);
    if (number) {
      out.append(s, from, end - from);
    } else {
      out.append(s, k, (end == std::string::npos ? s.size() : end + 1) - k);
    }
    i = end == std::string::npos ? s.size() : end + 1;
  }
  out.append(s, i, std::string::npos);
  return out;
}

template <typename T>
Json OrNull(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace

std::optional<int> MoneyExponent(const std::string& unit) {
  if (unit == "元") return 0;
  if (unit == "千元") return 3;
  if (unit == "万元") return 4;
  if (unit == "百万元") return 6;
  if (unit == "亿元") return 8;
  return std::nullopt;
}

static Json TablesJson(const DocumentRecord& r) {
  Json t = Json::array();
  for (const TableSummary& s : r.tables) t.push_back({{"id", s.id}, {"title", s.title}, {"page", s.page}, {"rows", s.rows}});
  return t;
}

std::string TablesJsonText(const DocumentRecord& r) { return Dump(TablesJson(r)); }

std::string ToJson(const DocumentRecord& r) {
  Json j;
  j["type"] = "document";
  j["source"] = r.source;
  j["sha256"] = r.sha256;
  j["pages"] = r.pages;
  j["status"] = r.status;
  if (r.error) j["error"] = {{"code", r.error->code}, {"message", r.error->message}};
  j["title"] = OrNull(r.meta.title);
  j["district"] = OrNull(r.meta.district);
  j["division_code"] = OrNull(r.meta.division_code);
  j["department"] = OrNull(r.meta.department);
  j["year"] = OrNull(r.meta.year);
  j["kind"] = OrNull(r.meta.kind);
  j["figures"] = r.figures;
  j["projects"] = r.projects;
  j["rows"] = r.rows;
  j["checks"] = {{"passed", r.checks_passed}, {"failed", r.checks_failed}};
  j["tables"] = TablesJson(r);
  return Dump(j);
}

std::string ToJson(const std::string& source, const FigureRecord& r) {
  Json j;
  j["type"] = "figure";
  j["source"] = source;
  j["field"] = r.field;
  j["label"] = r.label;
  j["value"] = Num(r.value);
  j["unit"] = r.unit;
  if (auto e = MoneyExponent(r.unit)) j["yuan"] = Num(r.value.Shift(*e));
  if (r.change) {
    Json c;
    c["direction"] = r.change->direction;
    if (r.change->amount) c["amount"] = Num(*r.change->amount);
    if (!r.change->unit.empty()) c["unit"] = r.change->unit;
    if (r.change->percent) c["percent"] = Num(*r.change->percent);
    if (!r.change->basis.empty()) c["basis"] = r.change->basis;
    if (r.change->base_value) c["base_value"] = Num(*r.change->base_value);
    j["change"] = c;
  }
  if (r.plan) {
    Json p = Json::object();
    if (r.plan->value) p["value"] = Num(*r.plan->value);
    if (!r.plan->unit.empty()) p["unit"] = r.plan->unit;
    if (r.plan->completion_percent) p["completion_percent"] = Num(*r.plan->completion_percent);
    j["plan"] = p;
  }
  if (r.share_percent) j["share_percent"] = Num(*r.share_percent);
  j["section"] = r.section;
  j["page"] = r.page;
  j["text"] = r.text;
  if (!r.original.empty()) j["original"] = r.original;
  return Dump(j);
}

std::string ToJson(const std::string& source, const ProjectRecord& r) {
  Json j;
  j["type"] = "project";
  j["source"] = source;
  j["name"] = r.name;
  if (r.value) {
    j["value"] = Num(*r.value);
    j["unit"] = r.unit;
    if (auto e = MoneyExponent(r.unit)) j["yuan"] = Num(r.value->Shift(*e));
  }
  if (!r.implementer.empty()) j["implementer"] = r.implementer;
  if (!r.period.empty()) j["period"] = r.period;
  if (!r.indicators.empty()) {
    Json a = Json::array();
    for (const auto& i : r.indicators) a.push_back({{"kind", i.kind}, {"text", i.text}});
    j["indicators"] = a;
  }
  j["page"] = r.page;
  return Dump(j);
}

std::string ToJson(const std::string& source, const ErrorInfo& r) {
  Json j;
  j["type"] = "error";
  j["source"] = source;
  j["page"] = r.page;
  j["code"] = r.code;
  j["message"] = r.message;
  return Dump(j);
}

static Json CellsObject(const RowRecord& r) {
  Json cells = Json::object();
  for (const auto& [k, v] : r.cells) cells[k] = Num(v);
  return cells;
}

std::string ToJson(const std::string& source, const RowRecord& r) {
  Json j;
  j["type"] = "row";
  j["source"] = source;
  j["table"] = r.table;
  if (!r.side.empty()) j["side"] = r.side;
  j["page"] = r.page;
  if (!r.code.empty()) j["code"] = r.code;
  j["name"] = r.name;
  j["cells"] = CellsObject(r);
  j["unit"] = r.unit;
  return Dump(j);
}

std::string CellsJson(const RowRecord& r) { return Dump(CellsObject(r)); }

std::string ToJson(const std::string& source, const CheckRecord& r) {
  Json j;
  j["type"] = "check";
  j["source"] = source;
  j["rule"] = r.rule;
  j["status"] = r.status;
  j["expected"] = Num(r.expected);
  j["actual"] = Num(r.actual);
  j["unit"] = r.unit;
  j["fields"] = r.fields;
  if (!r.where.empty()) j["where"] = r.where;
  if (r.page) j["page"] = r.page;
  return Dump(j);
}

}  // namespace cnbudget
