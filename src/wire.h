// Wire: a document's output (DocumentOutput) as bytes and back, so a worker
// process can hand its records to the parent.  Only the two ends of one run
// read it: it is versionless and not a storage format.  Decode rejects
// truncated or malformed input (a worker that died mid-write) instead of
// guessing.
#pragma once

#include <string>

#include "src/pipeline.h"

namespace cnbudget {

std::string EncodeOutput(const DocumentOutput& out);
bool DecodeOutput(const std::string& bytes, DocumentOutput* out);

}  // namespace cnbudget
