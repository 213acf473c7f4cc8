// cnbudget: command-line entry point.  See --help.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "extractor/pdf_source.h"
#include "src/pipeline.h"

namespace fs = std::filesystem;
using namespace cnbudget;

namespace {

const char kUsage[] =
    "usage: cnbudget extract [--password PW] [-o FILE] [--grammar DIR] [--quiet] PATH...\n"
    "\n"
    "Extracts the figures of Chinese budget and final-account disclosures\n"
    "(部门预算 / 部门决算) into JSON Lines records (see docs/ and RECORDS.md):\n"
    "a `document` record per input, then its `figure`, `project` and `error`\n"
    "records.\n"
    "\n"
    "  PATH           a .pdf or .txt file, or a folder searched recursively\n"
    "                 (files ending .pdf or .txt, in sorted order)\n"
    "  -o FILE        write records to FILE instead of standard output\n"
    "  --password PW  password for encrypted PDFs (user or owner password)\n"
    "  --grammar DIR  grammar folder (default: $CNBUDGET_GRAMMAR or the\n"
    "                 source tree's grammar/)\n"
    "  --quiet        no summary on standard error\n"
    "  -h, --help     this text\n"
    "\n"
    "Each failed input still gets its `document` record with status `failed`\n"
    "and an error code: not_found, empty, not_a_pdf, damaged, encrypted,\n"
    "no_text_layer, unreadable, not_a_file.\n"
    "\n"
    "Exit status: 0 every input ok; 1 some input failed or was partial (its\n"
    "records are still written); 2 usage error or unusable grammar.\n";

int Usage(const std::string& msg) {
  std::cerr << "cnbudget: " << msg << "\n\n" << kUsage;
  return 2;
}

bool Wanted(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".pdf" || ext == ".txt";
}

// Expands folders (recursively, sorted); files are kept as given.
void Collect(const std::string& arg, std::vector<std::string>* out, std::vector<std::string>* warnings) {
  std::error_code ec;
  if (!fs::is_directory(arg, ec)) {
    out->push_back(arg);
    return;
  }
  std::vector<std::string> found;
  fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    warnings->push_back("cannot list " + arg + ": " + ec.message());
    return;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      warnings->push_back("while listing " + arg + ": " + ec.message());
      break;
    }
    std::error_code e2;
    if (it->is_regular_file(e2) && Wanted(it->path())) found.push_back(it->path().string());
  }
  std::sort(found.begin(), found.end());
  out->insert(out->end(), found.begin(), found.end());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("no command given");
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (args[0] != "extract") return Usage("unknown command '" + args[0] + "'");
  std::string output, password, grammar_dir;
  bool quiet = false;
  std::vector<std::string> inputs;
  if (const char* env = std::getenv("CNBUDGET_GRAMMAR")) grammar_dir = env;
  if (grammar_dir.empty()) grammar_dir = CNBUDGET_GRAMMAR_DIR;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* dst) {
      if (i + 1 >= args.size()) return false;
      *dst = args[++i];
      return true;
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "-o" || a == "--output") {
      if (!value(&output)) return Usage(a + " needs a file name");
    } else if (a == "--password") {
      if (!value(&password)) return Usage("--password needs a value");
    } else if (a == "--grammar") {
      if (!value(&grammar_dir)) return Usage("--grammar needs a folder");
    } else if (a == "--quiet" || a == "-q") {
      quiet = true;
    } else if (a == "--") {
      inputs.insert(inputs.end(), args.begin() + i + 1, args.end());
      break;
    } else if (a.size() > 1 && a[0] == '-') {
      return Usage("unknown option " + a);
    } else {
      inputs.push_back(a);
    }
  }
  if (inputs.empty()) return Usage("no input PATH given");

  std::string error;
  auto grammar = Grammar::Load(grammar_dir, &error);
  if (!grammar) {
    std::cerr << "cnbudget: grammar: " << error << "\n";
    return 2;
  }
  auto gazetteer = Gazetteer::Load(grammar_dir + "/data/divisions.tsv", &error);
  if (!gazetteer) std::cerr << "cnbudget: warning: " << error << "; districts will be null\n";

  std::vector<std::string> files, warnings;
  for (const std::string& in : inputs) Collect(in, &files, &warnings);
  for (const auto& w : warnings) std::cerr << "cnbudget: warning: " << w << "\n";

  std::ofstream file_out;
  std::ostream* out = &std::cout;
  if (!output.empty() && output != "-") {
    file_out.open(output, std::ios::binary | std::ios::trunc);
    if (!file_out) {
      std::cerr << "cnbudget: cannot write " << output << "\n";
      return 2;
    }
    out = &file_out;
  }

  InitPoppler();
  Pipeline pipeline(*grammar, gazetteer.get());
  LoadOptions options;
  options.password = password;
  std::map<std::string, int> failures;
  int ok = 0, partial = 0, failed = 0;
  long figures = 0;
  for (const std::string& f : files) {
    DocumentOutput d = pipeline.Process(f, options);
    std::string block;
    for (const std::string& l : d.lines) block += l + "\n";
    out->write(block.data(), static_cast<std::streamsize>(block.size()));
    figures += static_cast<long>(d.lines.size()) - 1;
    if (d.status == "ok") ++ok;
    else if (d.status == "partial") ++partial;
    else ++failed, ++failures[d.error_code];
  }
  out->flush();
  if (!*out) {
    std::cerr << "cnbudget: write error on " << (output.empty() ? "standard output" : output) << "\n";
    return 2;
  }
  if (!quiet) {
    std::cerr << "cnbudget: " << files.size() << " inputs: " << ok << " ok, " << partial << " partial, " << failed
              << " failed";
    for (const auto& [code, n] : failures) std::cerr << " (" << code << ": " << n << ")";
    std::cerr << "; " << figures << " records after the document records\n";
  }
  return (failed || partial) ? 1 : 0;
}
