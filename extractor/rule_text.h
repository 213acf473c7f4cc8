// Splitting and trimming the lines of the tab-separated data files under
// grammar/ (rules, tables.tsv, table_fields.tsv), so every loader reads a
// line the same way.
//
// Contract:
// - TrimRuleText drops spaces, tabs and a CR (files saved on Windows) from
//   both ends; it never touches the inside.
// - SplitRuleText(s, sep) returns every field between separators, empty ones
//   included, so column positions stay fixed: "a\t\tb" → {"a", "", "b"}.
#ifndef CNBUDGET_EXTRACTOR_RULE_TEXT_H_
#define CNBUDGET_EXTRACTOR_RULE_TEXT_H_

#include <string>
#include <vector>

namespace cnbudget {

std::string TrimRuleText(const std::string& s);
std::vector<std::string> SplitRuleText(const std::string& s, char sep);

}  // namespace cnbudget

#endif  // CNBUDGET_EXTRACTOR_RULE_TEXT_H_
