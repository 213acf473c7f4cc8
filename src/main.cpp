// cnbudget: command-line entry point.  See --help.
#include <sys/stat.h>

#include <thread>

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
#include "src/batch.h"
#include "src/pipeline.h"
#include "src/sink.h"

namespace fs = std::filesystem;
using namespace cnbudget;

namespace {

const char kUsage[] =
    "usage: cnbudget extract [options] PATH...\n"
    "\n"
    "Extracts the figures of Chinese budget and final-account disclosures\n"
    "(部门预算 / 部门决算) into records (see README.md and RECORDS.md): a\n"
    "`document` record per input, then its `error`, `figure` and `project`\n"
    "records.\n"
    "\n"
    "  PATH              a .pdf, .txt or .html file, or a folder searched\n"
    "                    recursively (files ending .pdf, .txt, .html, .htm,\n"
    "                    in sorted order)\n"
    "  --files-from FILE read more input paths from FILE, one per line (- = stdin)\n"
    "  -o FILE           write JSON Lines to FILE instead of standard output\n"
    "  --out DIR         write DIR/records.jsonl and DIR/manifest.jsonl; a killed\n"
    "                    run leaves no half-written document\n"
    "  --resume          with --out (any format): keep what a killed run\n"
    "                    completed and skip those inputs\n"
    "  --format F        jsonl (default); csv (documents.csv, figures.csv,\n"
    "                    projects.csv, errors.csv in --out DIR); sqlite\n"
    "                    (--out DIR/cnbudget.sqlite, see docs/schema.md)\n"
    "  --excel           with --format csv: add the BOM Excel needs for Chinese\n"
    "  -j N              parallel worker processes (default: the number of cores)\n"
    "  --shard K/N       only the inputs of shard K of N (by path hash)\n"
    "  --max-pages N     read at most N pages of a PDF (the document is partial)\n"
    "  --timeout S       per document (default 300; 0: none): no page is started\n"
    "                    after S seconds (the document is partial), and a worker\n"
    "                    still busy at 1.25*S+5 s is killed (failed: timeout)\n"
    "  --max-memory MB   per worker (default 2048; 0: none): a worker whose\n"
    "                    resident memory passes MB is killed (failed: memory_limit)\n"
    "  --password PW     password for encrypted PDFs (user or owner password)\n"
    "  --grammar DIR     grammar folder (default: $CNBUDGET_GRAMMAR or the\n"
    "                    source tree's grammar/)\n"
    "  --quiet           no progress or summary on standard error\n"
    "  -h, --help        this text\n"
    "\n"
    "Each failed input still gets its `document` record with status `failed`\n"
    "and an error code: not_found, empty, not_a_pdf, damaged, encrypted,\n"
    "no_text_layer, unreadable, not_a_file, timeout, memory_limit,\n"
    "worker_crashed.\n"
    "\n"
    "Exit status: 0 every input ok; 1 some input failed or was partial (its\n"
    "records are still written); 2 usage error, unusable grammar or output.\n";

int Usage(const std::string& msg) {
  std::cerr << "cnbudget: " << msg << "\n\n" << kUsage;
  return 2;
}

// Expands folders (recursively, sorted; symlinked folders are not entered);
// files are kept as given.
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
    // Anything with an input extension but a folder is an input, so a FIFO, a dangling
    // or looping symlink gets its error record instead of vanishing.
    std::error_code e2;
    if (IsInputName(it->path().string()) && !it->is_directory(e2)) found.push_back(it->path().string());
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
  std::string output, grammar_dir, files_from, format = "jsonl", out_dir;
  BatchOptions batch;
  batch.load.timeout_seconds = 300;
  batch.memory_mb = 2048;
  bool excel = false, resume = false;
  unsigned cores = std::thread::hardware_concurrency();
  batch.jobs = cores ? static_cast<int>(cores) : 1;
  std::vector<std::string> inputs;
  if (const char* env = std::getenv("CNBUDGET_GRAMMAR")) grammar_dir = env;
  if (grammar_dir.empty()) grammar_dir = CNBUDGET_GRAMMAR_DIR;
  auto to_int = [](const std::string& s, int* out) {
    char* end = nullptr;
    long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end || v < 0 || v > 1000000) return false;
    *out = static_cast<int>(v);
    return true;
  };
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
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
    } else if (a == "--out") {
      if (!value(&out_dir)) return Usage("--out needs a folder");
    } else if (a == "--files-from") {
      if (!value(&files_from)) return Usage("--files-from needs a file (or -)");
    } else if (a == "--format") {
      if (!value(&format) || (format != "jsonl" && format != "csv" && format != "sqlite"))
        return Usage("--format is jsonl, csv or sqlite");
    } else if (a == "--excel") {
      excel = true;
    } else if (a == "--resume") {
      resume = true;
    } else if (a == "-j" || a == "--jobs") {
      if (!value(&v) || !to_int(v, &batch.jobs) || batch.jobs < 1) return Usage("-j needs a number of workers");
    } else if (a.size() > 2 && a.rfind("-j", 0) == 0) {
      if (!to_int(a.substr(2), &batch.jobs) || batch.jobs < 1) return Usage("-j needs a number of workers");
    } else if (a == "--shard") {
      size_t slash;
      if (!value(&v) || (slash = v.find('/')) == std::string::npos || !to_int(v.substr(0, slash), &batch.shard_index) ||
          !to_int(v.substr(slash + 1), &batch.shard_count) || batch.shard_count < 1 ||
          batch.shard_index >= batch.shard_count)
        return Usage("--shard needs K/N with 0 <= K < N");
    } else if (a == "--timeout") {
      int secs = 0;
      if (!value(&v) || !to_int(v, &secs)) return Usage("--timeout needs a number of seconds (0: none)");
      batch.load.timeout_seconds = secs;
    } else if (a == "--max-memory") {
      int mb = 0;
      if (!value(&v) || !to_int(v, &mb) || (mb > 0 && mb < 64)) return Usage("--max-memory needs megabytes (>= 64, or 0: none)");
      batch.memory_mb = static_cast<size_t>(mb);
    } else if (a == "--max-pages") {
      if (!value(&v) || !to_int(v, &batch.load.max_pages)) return Usage("--max-pages needs a number");
    } else if (a == "--password") {
      if (!value(&batch.load.password)) return Usage("--password needs a value");
    } else if (a == "--grammar") {
      if (!value(&grammar_dir)) return Usage("--grammar needs a folder");
    } else if (a == "--quiet" || a == "-q") {
      batch.quiet = true;
    } else if (a == "--") {
      inputs.insert(inputs.end(), args.begin() + i + 1, args.end());
      break;
    } else if (a.size() > 1 && a[0] == '-') {
      return Usage("unknown option " + a);
    } else {
      inputs.push_back(a);
    }
  }
  if (!files_from.empty()) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (files_from != "-") {
      file.open(files_from);
      if (!file) return Usage("cannot read --files-from " + files_from);
      in = &file;
    }
    std::string line;
    while (std::getline(*in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) inputs.push_back(line);
    }
  }
  if (inputs.empty()) return Usage("no input PATH given");
  if (resume && out_dir.empty()) return Usage("--resume needs --out DIR");
  if (format != "jsonl" && out_dir.empty()) return Usage("--format " + format + " needs --out DIR");
  if (!out_dir.empty() && !output.empty()) return Usage("use either -o FILE or --out DIR");

  std::string error;
  auto grammar = Grammar::Load(grammar_dir, &error);
  if (!grammar) {
    std::cerr << "cnbudget: grammar: " << error << "\n";
    return 2;
  }
  auto checks = CheckRules::Load(grammar_dir + "/rules/checks.tsv", &error);
  if (!checks) {
    std::cerr << "cnbudget: grammar: " << error << "\n";
    return 2;
  }
  auto gazetteer = Gazetteer::Load(grammar_dir + "/data/divisions.tsv", &error);
  if (!gazetteer) std::cerr << "cnbudget: warning: " << error << "; districts will be null\n";

  std::vector<std::string> files, warnings;
  for (const std::string& in : inputs) Collect(in, &files, &warnings);
  for (const auto& w : warnings) std::cerr << "cnbudget: warning: " << w << "\n";

  std::ofstream file_out;
  std::unique_ptr<RecordSink> sink;
  std::vector<Completed> completed;
  if (!out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(out_dir, ec);  // parents too: --out /scratch/run/shard-3
    if (format == "csv") sink = MakeCsvSink(out_dir, excel, resume, &completed, &error);
    else if (format == "sqlite") sink = MakeSqliteSink(out_dir, resume, &completed, &error);
    else sink = MakeJsonlDirSink(out_dir, resume, &completed, &error);
    if (!sink) {
      std::cerr << "cnbudget: " << error << "\n";
      return 2;
    }
  } else {
    std::ostream* out = &std::cout;
    if (!output.empty() && output != "-") {
      file_out.open(output, std::ios::binary | std::ios::trunc);
      if (!file_out) {
        std::cerr << "cnbudget: cannot write " << output << "\n";
        return 2;
      }
      out = &file_out;
    }
    sink = MakeJsonlSink(out);
  }

  InitPoppler();
  Pipeline pipeline(*grammar, gazetteer.get(), checks.get());
  BatchSummary sum;
  if (!RunBatch(files, pipeline, batch, sink.get(), completed, &sum, &error)) {
    std::cerr << "cnbudget: " << error << "\n";
    return 2;
  }
  if (!batch.quiet) {
    std::cerr << "cnbudget: " << files.size() << " inputs: " << sum.ok << " ok, " << sum.partial << " partial, "
              << sum.failed << " failed";
    for (const auto& [code, n] : sum.failures) std::cerr << " (" << code << ": " << n << ")";
    if (sum.skipped) std::cerr << ", " << sum.skipped << " already done";
    if (sum.duplicates) std::cerr << ", " << sum.duplicates << " duplicates";
    std::cerr << "; " << sum.records << " records\n";
  }
  return (sum.failed || sum.partial) ? 1 : 0;
}
