#include "src/batch.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <set>

#include "extractor/sha256.h"
#include "src/worker_pool.h"

namespace cnbudget {
namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  bool skipped = false;  // already complete in the manifest
  std::string sha;
  DocumentOutput out;
};

class Progress {
 public:
  Progress(size_t total, bool quiet) : total_(total), quiet_(quiet), tty_(::isatty(2)), start_(Clock::now()) {}
  void Update(size_t done, long pages, int failed, bool last) {
    if (quiet_) return;
    auto now = Clock::now();
    double interval = tty_ ? 0.5 : 10.0;
    if (!last && std::chrono::duration<double>(now - shown_).count() < interval) return;
    shown_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    char line[256];
    std::snprintf(line, sizeof line, "%zu/%zu files, %.1f pages/s, ETA %.0fs, %d failed", done, total_,
                  secs > 0 ? static_cast<double>(pages) / secs : 0.0, eta, failed);
    if (tty_) {
      int width = 30, filled = total_ ? static_cast<int>(width * done / total_) : width;
      std::fprintf(stderr, "\r[%s%s] %s%s", std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                   line, last ? "\n" : "");
    } else {
      std::fprintf(stderr, "cnbudget: %s\n", line);
    }
  }

 private:
  size_t total_;
  bool quiet_, tty_;
  Clock::time_point start_, shown_{};
};

}  // namespace

int ShardOf(const std::string& path, int shard_count) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : path) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return shard_count > 0 ? static_cast<int>(h % static_cast<uint64_t>(shard_count)) : 0;
}

bool RunBatch(const std::vector<std::string>& all, const Pipeline& pipeline, const BatchOptions& opt,
              RecordSink* sink, const std::vector<Completed>& completed, BatchSummary* sum, std::string* error) {
  std::vector<std::string> inputs;
  for (const std::string& p : all)
    if (opt.shard_count <= 1 || ShardOf(p, opt.shard_count) == opt.shard_index) inputs.push_back(p);

  std::set<std::string> done_sha, done_path;
  for (const Completed& c : completed) {
    if (!c.sha256.empty()) done_sha.insert(c.sha256);
    done_path.insert(c.path);
  }
  // Which inputs are already complete is decided before any work starts.
  std::vector<char> skip(inputs.size(), 0);
  std::vector<std::string> shas(inputs.size());
  if (!completed.empty()) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      shas[i] = Sha256File(inputs[i]);
      skip[i] = (shas[i].empty() ? done_path.count(inputs[i]) : done_sha.count(shas[i])) ? 1 : 0;
    }
  }

  WorkerLimits limits;
  limits.memory_mb = opt.memory_mb;
  if (opt.load.timeout_seconds > 0) limits.hard_timeout_seconds = opt.load.timeout_seconds * 1.25 + 5;
  WorkerPool pool(pipeline, opt.load, std::max(1, opt.jobs), limits);

  std::vector<std::optional<Result>> results(inputs.size());
  size_t window = static_cast<size_t>(std::max(1, opt.jobs)) * 8;  // bound on buffered documents
  size_t next = 0, written = 0;
  Progress progress(inputs.size(), opt.quiet);
  while (written < inputs.size()) {
    while (next < inputs.size() && next < written + window && (skip[next] || pool.HasIdle())) {
      if (skip[next]) results[next] = Result{true, shas[next], {}};
      else pool.Submit(next, inputs[next]);
      ++next;
    }
    if (!results[written]) {
      auto [i, out] = pool.Next();
      results[i] = Result{false, out.document.sha256, std::move(out)};
      continue;
    }
    Result r = std::move(*results[written]);
    results[written].reset();
    const std::string& path = inputs[written];
    bool ok = true;
    if (r.skipped && !done_path.count(path)) {
      // Complete under another name: recorded as that name's duplicate.
      ++sum->duplicates;
      ok = sink->Duplicate(path, r.sha, error);
      done_path.insert(path);
    } else if (r.skipped) {
      ++sum->skipped;
    } else if (sink->durable() && !r.sha.empty() && done_sha.count(r.sha)) {
      ++sum->duplicates;
      ok = sink->Duplicate(path, r.sha, error);
      done_path.insert(path);
    } else {
      const DocumentOutput& d = r.out;
      if (d.status() == "ok") ++sum->ok;
      else if (d.status() == "partial") ++sum->partial;
      else ++sum->failed, ++sum->failures[d.error_code()];
      sum->records += d.records();
      sum->pages += d.document.pages;
      ok = sink->Write(d, error);
      if (!r.sha.empty()) done_sha.insert(r.sha);
      done_path.insert(path);
    }
    if (!ok) return false;  // the pool's destructor stops the workers
    ++written;
    progress.Update(written, sum->pages, sum->failed, written == inputs.size());
  }
  return sink->Finish(error);
}

}  // namespace cnbudget
