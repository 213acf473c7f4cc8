// FigureEngine: normalized pages in, figure and project records out.
//
// The engine rebuilds the document's prose: it drops table-like lines and
// table-of-contents lines, tracks the heading path (第一部分 / 一、 / (一) /
// 1. / 1)), joins wrapped lines into sentences across line and page breaks,
// and reads each sentence with the Grammar: value and unit, the label before
// (or after) it, the comparison, share and plan after it, and the section
// context that picks the field id.  Blank templates (`比上年减少 万元`) give
// no amount; numbers inside labels (`单价100万元以上`) are not figures.
// Project blocks (项目情况说明) become project records instead of figures.
// Stateless apart from the Grammar: safe to use from several threads.
#pragma once

#include <string>
#include <vector>

#include "extractor/normalizer.h"
#include "grammar/lexicon.h"
#include "src/records.h"

namespace cnbudget {

struct PageInput {
  int number = 0;
  std::string raw;         // extracted text of the page
  NormalizedText text;     // its normalization, with offsets into raw
};

struct Extraction {
  std::vector<FigureRecord> figures;
  std::vector<ProjectRecord> projects;
};

class FigureEngine {
 public:
  explicit FigureEngine(const Grammar& grammar) : g_(grammar) {}
  Extraction Extract(const std::vector<PageInput>& pages) const;

 private:
  const Grammar& g_;
};

}  // namespace cnbudget
