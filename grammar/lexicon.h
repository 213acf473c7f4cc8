// Grammar: the rule files under grammar/ loaded and compiled once.
//
// rules/figure.rules and rules/change.rules are `NAME = RE2` lines with
// {NAME} macros; rules/lexicon.tsv maps labels to fields; rules/context.tsv
// lists the phrases that set the section context; rules/none.tsv the
// statements of none; data/function_codes.tsv the national functional
// classification.  Load returns an error message naming the file and line of
// the first bad rule.  A loaded Grammar is immutable and may be shared
// between threads.
#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cnbudget {

class TableGrammar;  // extractor/table_reader.h

struct LexEntry {
  std::string target;  // field template: "income.total", "{scope}.basic", "a+b"
  std::string kind;    // money | count
  std::string sets;    // parent this label sets for later figures
  std::string unit;    // unit for a bare value
  bool after = false;  // label follows the value
  std::unique_ptr<RE2> cue;
  struct When {
    std::string key, value, target;  // key: parent | breakdown
  };
  std::vector<When> when;
};

struct ContextTrigger {
  std::string kind, value;
  std::unique_ptr<RE2> re;
};

struct NoneRule {
  std::string field;
  std::unique_ptr<RE2> re;
};

class Grammar {
 public:
  // Loads from `dir` (the grammar/ folder).  On failure returns nullptr and
  // sets *error.
  static std::unique_ptr<Grammar> Load(const std::string& dir, std::string* error);

  // Compiled patterns from figure.rules / change.rules by name; nullptr if absent.
  const RE2* rule(const std::string& name) const;
  // Direction name for a verb (增加 → increase), "" if unknown.
  std::string Direction(const std::string& verb) const;

  // Label lookup.  `span` is the cleaned text before a value; returns the
  // entry index and the label as written, preferring the longest match.
  struct LabelMatch {
    int entry = -1;
    std::string label;
    size_t start = 0;  // byte offset of the label in span
  };
  std::optional<LabelMatch> MatchLabelBefore(const std::string& span) const;
  std::optional<LabelMatch> MatchLabelAfter(const std::string& text, const std::string& before) const;

  const LexEntry& entry(int i) const { return *entries_[i]; }
  const std::vector<ContextTrigger>& triggers() const { return triggers_; }
  const std::vector<NoneRule>& none_rules() const { return none_; }

  // Functional classification: a class (类) code by name; a child code by
  // parent code and name.  "" when unknown.
  std::string ClassCode(const std::string& name) const;
  std::string ChildCode(const std::string& parent, const std::string& name) const;

  // Known field ids (fields.tsv) for validation.
  bool KnownField(const std::string& field) const;

  // Cleans text the way label spans are cleaned (quotes removed).
  static std::string CleanLabel(const std::string& s);

  // Standard table titles and their field mapping (data/tables.tsv,
  // data/table_fields.tsv).
  const TableGrammar& tables() const { return *tables_; }

 private:
  Grammar() = default;
  std::map<std::string, std::unique_ptr<RE2>> rules_;
  std::map<std::string, std::string> rule_text_;
  std::vector<std::pair<std::string, std::string>> verbs_;  // verb, direction
  std::vector<std::unique_ptr<LexEntry>> entries_;
  // Before-labels: one pattern per alias, anchored at the span end.
  std::unique_ptr<RE2::Set> before_set_;
  std::vector<std::unique_ptr<RE2>> before_re_;
  std::vector<int> before_entry_;
  std::unique_ptr<RE2::Set> after_set_;
  std::vector<std::unique_ptr<RE2>> after_re_;
  std::vector<int> after_entry_;
  std::vector<ContextTrigger> triggers_;
  std::vector<NoneRule> none_;
  std::map<std::string, std::string> class_by_name_;
  std::map<std::pair<std::string, std::string>, std::string> child_by_name_;
  std::map<std::string, std::string> generic_items_;  // 行政运行 → 01, under any 款
  std::vector<std::string> known_fields_;
  std::shared_ptr<const TableGrammar> tables_;

  friend struct GrammarLoader;
};

}  // namespace cnbudget
