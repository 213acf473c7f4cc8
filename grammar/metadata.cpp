#include "grammar/metadata.h"

#include <re2/re2.h>

#include <fstream>
#include <sstream>

namespace cnbudget {
namespace {

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

bool EndsWith(const std::string& s, const std::string& x) {
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

// A name that is only a jurisdiction (上海市普陀区), not a department.
bool IsJurisdiction(const std::string& s) {
  return EndsWith(s, "区") || EndsWith(s, "县") || EndsWith(s, "市") || EndsWith(s, "省") || EndsWith(s, "旗");
}

bool LooksLikeDepartment(const std::string& s) {
  static const char* kSuffix[] = {"局", "院", "厅", "委", "办公室", "中心", "部", "会", "办事处", "政府", "所",
                                  "站", "馆", "队", "室", "处", "校", "学", "委员会", "署", "团", "社", "联合会"};
  if (s.size() < 6 || s.size() > 90) return false;
  for (const char* x : kSuffix)
    if (EndsWith(s, x)) return true;
  return false;
}

}  // namespace

std::unique_ptr<Gazetteer> Gazetteer::Load(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read gazetteer " + path;
    return nullptr;
  }
  auto g = std::make_unique<Gazetteer>();
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> c;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) c.push_back(col);
    if (c.size() < 3) continue;
    c.resize(7);
    g->all_.push_back({c[0], c[1], c[2], c[3], c[4], c[5], c[6]});
  }
  return g;
}

DocumentMeta ReadMetadata(const std::vector<std::string>& pages, const Gazetteer* gaz) {
  DocumentMeta m;
  std::string head;  // first pages, lines kept
  for (size_t i = 0; i < pages.size() && i < 3; ++i) head += pages[i] + "\n";
  std::string all;
  for (const auto& p : pages) all += p + "\n";
  std::string first_lines;  // the cover's first lines joined: titles wrap
  {
    std::istringstream in(pages.empty() ? "" : pages[0]);
    std::string l;
    int n = 0;
    while (n < 3 && std::getline(in, l)) {
      l = Trim(l);
      if (l.empty()) continue;
      first_lines += l;
      ++n;
    }
  }

  static const RE2 kTitle(R"((?:^|\n)([^\n]{0,60}?)((?:19|20)\d{2})年度?(?:区级|省级|市级|县级)?(?:部门|单位)?(预算|决算)(?:公开|情况说明)?)");
  static const RE2 kHead(R"((?:预算主管部门|主管部门|部门名称|编制部门|单位名称|部门)[:]([^\n:]{2,40}?)(?:单位[:]|金额单位|\n|$))");
  static const RE2 kPart1(R"(第一部分([^\n]{2,40}?)(?:概况|基本情况))");
  static const RE2 kYear(R"((20\d{2})年)");

  std::string title_prefix, year, kind_word;
  re2::StringPiece input(first_lines);
  if (!RE2::PartialMatch(first_lines, kTitle, &title_prefix, &year, &kind_word))
    RE2::PartialMatch(head, kTitle, &title_prefix, &year, &kind_word);
  title_prefix = Trim(title_prefix);

  std::string dept;
  std::string h;
  if (RE2::PartialMatch(head, kHead, &h)) dept = Trim(h);
  if (dept.empty() && !title_prefix.empty() && !IsJurisdiction(title_prefix) && LooksLikeDepartment(title_prefix))
    dept = title_prefix;
  if (dept.empty()) {
    std::istringstream in(pages.empty() ? "" : pages[0]);
    std::string l;
    while (std::getline(in, l))
      if (!Trim(l).empty()) {
        if (LooksLikeDepartment(Trim(l))) dept = Trim(l);
        break;
      }
  }
  if (dept.empty() && RE2::PartialMatch(all.substr(0, 20000), kPart1, &h)) dept = Trim(h);
  if (dept.empty() && !title_prefix.empty() && !IsJurisdiction(title_prefix)) dept = title_prefix;
  if (!dept.empty()) m.department = dept;

  if (year.empty()) RE2::PartialMatch(head, kYear, &year);
  if (year.empty()) RE2::PartialMatch(all, kYear, &year);
  if (!year.empty()) m.year = std::stoi(year);
  if (kind_word.empty()) kind_word = head.find("决算") != std::string::npos ? "决算" : (head.find("预算") != std::string::npos ? "预算" : "");
  if (!kind_word.empty()) m.kind = kind_word == "决算" ? "final_accounts" : "budget";
  if (m.department && m.year && m.kind)
    m.title = *m.department + std::to_string(*m.year) + "年" + (kind_word == "决算" ? "度部门决算" : "部门预算");

  if (gaz) {
    // The jurisdiction: a county-level name in the department (or title), the
    // one whose province or city the text also names when it is ambiguous.
    std::string where = dept + "|" + title_prefix;
    const Gazetteer::Division* best = nullptr;
    int best_score = -1;
    for (const auto& d : gaz->divisions()) {
      if (d.level != "county" || d.name.size() < 6) continue;
      if (where.find(d.name) == std::string::npos) continue;
      int score = 0;
      std::string prov = d.province.substr(0, std::min<size_t>(d.province.size(), 6));
      std::string city = d.city.substr(0, std::min<size_t>(d.city.size(), 6));
      if (!prov.empty() && head.find(prov) != std::string::npos) score += 2;
      if (!city.empty() && city != "市辖" && head.find(city) != std::string::npos) score += 1;
      if (score > best_score) best = &d, best_score = score;
    }
    if (best) {
      m.district = best->name;
      m.division_code = best->code;
    } else {
      for (const auto& d : gaz->divisions()) {
        if (d.level != "province" && d.level != "city") continue;
        std::string shortname = d.name;
        for (const char* suf : {"省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区"})
          if (EndsWith(shortname, suf) && shortname.size() > std::string(suf).size() + 3)
            shortname = shortname.substr(0, shortname.size() - std::string(suf).size());
        if (shortname.size() < 6) continue;
        if (where.find(shortname) != std::string::npos) {
          // A municipality's districts share the name; prefer the province row.
          if (!m.division_code || d.level == "province") m.division_code = d.code;
          if (d.level == "province") break;
        }
      }
    }
  }
  return m;
}

}  // namespace cnbudget
