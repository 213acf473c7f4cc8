#include "extractor/pdf_source.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <set>

#include "extractor/utf8.h"

namespace cnbudget {
namespace {

// Poppler reports through one global callback; the document being read on
// this thread collects the messages.
thread_local RawDocument* current_doc = nullptr;
thread_local int current_page = 0;
thread_local std::set<std::string>* current_seen = nullptr;
constexpr size_t kMaxWarnings = 20;

void OnPopplerMessage(const std::string& msg, void*) {
  if (!current_doc || !current_seen) return;
  if (current_seen->size() >= kMaxWarnings || !current_seen->insert(msg).second) return;
  current_doc->page_errors.push_back({current_page, SourceError{"poppler_warning", msg}});
}

struct Glyph {
  char32_t c;
  double x0, x1, y, h;
};

struct Row {
  double y = 0, h = 0, min_h = 0, top = 0, bottom = 0;
  std::vector<Glyph> glyphs;
};

// Decodes a ustring (UTF-16) into code points, one per char_bbox index.
std::vector<char32_t> Decode(const poppler::ustring& u) {
  std::vector<char32_t> out;
  out.reserve(u.size());
  for (size_t i = 0; i < u.size(); ++i) {
    char32_t c = u[i];
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] < 0xE000) {
      c = 0x10000 + ((c - 0xD800) << 10) + (u[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c < 0xE000) {
      c = 0xFFFD;
    }
    out.push_back(c);
  }
  return out;
}

bool IsFooter(const std::string& t) {
  // "- 12 -", "─ 7 ─", "12", "第 3 页", "共 5 页".
  std::string s;
  for (char ch : t)
    if (ch != ' ') s.push_back(ch);
  if (s.empty()) return true;
  static const std::string kDashes[] = {"-", "\xE2\x80\x94", "\xE2\x94\x80", "\xE2\x80\x93", "\xEF\xBC\x8D", "\xE2\x80\x95"};
  for (const std::string& d : kDashes) {
    size_t p;
    while ((p = s.find(d)) != std::string::npos) s.erase(p, d.size());
  }
  for (const char* w : {"第", "页", "共"}) {
    size_t p;
    std::string ws(w);
    while ((p = s.find(ws)) != std::string::npos) s.erase(p, ws.size());
  }
  return !s.empty() && s.size() <= 4 && s.find_first_not_of("0123456789") == std::string::npos;
}

bool IsFullWidth(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFF01 && c <= 0xFF60);
}

// A word's font size from its glyph advances: a CJK glyph (or full-width
// punctuation) is one em wide, a digit about half.  Poppler's own font size
// (text_list_include_font) costs a second parse of every font on every page
// — it nearly doubled the reading time — and the box height cannot stand in
// for it: it follows the font descriptor's ascent and descent, which some
// producers write as nonsense (a quarter or twice the size).
double FontSize(const poppler::text_box& w, const std::vector<char32_t>& cs, bool vertical) {
  std::vector<double> em, digit;
  for (size_t i = 0; i < cs.size(); ++i) {
    poppler::rectf b = w.char_bbox(i);
    double adv = vertical ? b.height() : b.width();
    if (adv <= 0) continue;
    if (IsFullWidth(cs[i])) em.push_back(adv);
    else if (cs[i] >= U'0' && cs[i] <= U'9') digit.push_back(adv);
  }
  auto median = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  if (!em.empty()) return median(em);
  if (!digit.empty()) return median(digit) / 0.53;
  poppler::rectf wb = w.bbox();
  return std::max(1.0, vertical ? wb.width() : wb.height());
}

// Rebuilds a page's lines from its glyph boxes.
std::string PageText(poppler::page& page, PageLayout* layout) {
  std::vector<poppler::text_box> words = page.text_list();
  poppler::rectf pr = page.page_rect();
  std::vector<Glyph> glyphs;
  glyphs.reserve(words.size() * 4);
  for (auto& w : words) {
    std::vector<char32_t> cs = Decode(w.text());
    poppler::rectf wb = w.bbox();
    int rot = w.rotation();
    double font = FontSize(w, cs, rot == 1 || rot == 3);
    for (size_t i = 0; i < cs.size(); ++i) {
      poppler::rectf b = w.char_bbox(i);
      if (b.width() <= 0 && b.height() <= 0) b = wb;
      Glyph g;
      g.c = cs[i];
      if (rot == 1 || rot == 3) {
        // Vertical text: read along y.
        g.x0 = rot == 1 ? b.top() : -b.bottom();
        g.x1 = rot == 1 ? b.bottom() : -b.top();
        g.y = rot == 1 ? -(b.left() + b.right()) / 2 : (b.left() + b.right()) / 2;
        g.h = std::max(1.0, b.width());
      } else {
        g.x0 = b.left();
        g.x1 = b.right();
        g.y = b.bottom();
        g.h = font > 0 ? font : std::max(1.0, b.height());
      }
      glyphs.push_back(g);
    }
    if (w.has_space_after() && !cs.empty()) {
      // A space poppler saw is kept as a zero-width marker at the word's end.
      Glyph s = glyphs.back();
      s.c = U' ';
      s.x0 = s.x1;
      glyphs.push_back(s);
    }
  }
  if (glyphs.empty()) return "";
  std::stable_sort(glyphs.begin(), glyphs.end(), [](const Glyph& a, const Glyph& b) { return a.y < b.y; });

  // Rows by baseline.  Box heights are unreliable (some fonts give CJK runs
  // boxes 3 units tall beside digits 22 units tall on the same line), so the
  // row key is the box bottom (baseline plus a small descent) and the scale
  // is the font size.
  std::vector<Row> rows;
  for (const Glyph& g : glyphs) {
    Row* best = nullptr;
    double best_d = 0;
    for (size_t k = rows.size(); k > 0 && k + 3 > rows.size(); --k) {
      Row& r = rows[k - 1];
      double d = std::fabs(g.y - r.y);
      if (d <= 0.45 * std::min(g.h, r.min_h) && (!best || d < best_d)) {
        best = &r;
        best_d = d;
      }
    }
    if (best) {
      best->glyphs.push_back(g);
      best->y += (g.y - best->y) / static_cast<double>(best->glyphs.size());
      best->min_h = std::min(best->min_h, g.h);
      best->h = std::max(best->h, g.h);
      continue;
    }
    Row r;
    r.y = g.y;
    r.h = g.h;
    r.min_h = g.h;
    r.glyphs.push_back(g);
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.y < b.y; });

  std::string out;
  double top = pr.top(), height = std::max(1.0, pr.height());
  if (layout) {
    layout->width = pr.width();
    layout->height = pr.height();
  }
  for (Row& r : rows) {
    std::stable_sort(r.glyphs.begin(), r.glyphs.end(), [](const Glyph& a, const Glyph& b) { return a.x0 < b.x0; });
    // Typical gap on this row: letter-spaced or justified text has a wide one.
    std::vector<double> gaps;
    const Glyph* prev = nullptr;
    for (const Glyph& g : r.glyphs) {
      if (g.c == U' ') continue;
      if (prev) gaps.push_back(std::max(0.0, g.x0 - prev->x1));
      prev = &g;
    }
    double median = 0;
    if (!gaps.empty()) {
      std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
      median = gaps[gaps.size() / 2];
    }
    double h = r.h;
    std::string line;
    TextLine tl;
    tl.y = r.y - top;
    tl.size = h;
    prev = nullptr;
    bool pending_space = false;
    for (const Glyph& g : r.glyphs) {
      if (g.c == U' ') {
        pending_space = true;
        continue;
      }
      // Layout words break at any gap over 0.3 em (table cells can sit that
      // close); the text line only where the row's spacing says so.
      bool brk = !prev;
      if (prev) {
        double gap = g.x0 - prev->x1;
        double threshold = std::min(median, 1.5 * h) + 0.3 * h;
        if (gap > threshold || (pending_space && gap > 0.15 * h)) {
          line.push_back(' ');
          brk = true;
        }
        if (gap > 0.3 * h) brk = true;
      }
      pending_space = false;
      if (layout) {
        if (brk) tl.words.push_back(TextWord{"", g.x0, g.x1});
        TextWord& w = tl.words.back();
        w.x1 = std::max(w.x1, g.x1);
        if (g.c >= 0x20 && g.c != 0x7F) AppendUtf8(&w.text, g.c);
      }
      if (g.c >= 0x20 && g.c != 0x7F) AppendUtf8(&line, g.c);
      prev = &g;
    }
    double rel = (r.y - top) / height;
    if ((rel < 0.12 || rel > 0.88) && IsFooter(line)) continue;
    out += line;
    out.push_back('\n');
    if (layout && !tl.words.empty()) layout->lines.push_back(std::move(tl));
  }
  return out;
}

// True when the page, rendered at a thumbnail's resolution, marks the paper
// anywhere.  Only asked of documents without text, to tell a scan (its page
// image) from pages whose content the reader lost.
bool PageDrawsAnything(const poppler::page& page) {
  if (!poppler::page_renderer::can_render()) return true;  // cannot tell: assume a scan
  // At most ~200 pixels on the longer side, whatever size the page claims
  // (a MediaBox can ask for gigabytes); 9 dpi for an A4 page.
  poppler::rectf r = page.page_rect();
  double longest = std::max(r.width(), r.height());
  if (!(longest > 0)) return false;
  double dpi = std::min(9.0, 200.0 * 72.0 / longest);
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image img = renderer.render_page(&page, dpi, dpi);
  if (!img.is_valid()) return false;
  const char* data = img.const_data();
  // Any mark at all: a faint scan averaged down to a thumbnail is light grey.
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x)
      if (static_cast<unsigned char>(data[y * img.bytes_per_row() + x]) < 255) return true;
  return false;
}

}  // namespace

void InitPoppler() {
  static bool done = false;
  if (done) return;
  done = true;
  poppler::set_debug_error_function(OnPopplerMessage, nullptr);
}

void ReadPdf(const std::string& data, const LoadOptions& options, RawDocument* doc) {
  std::set<std::string> seen;
  current_doc = doc;
  current_seen = &seen;
  current_page = 0;
  struct Reset {
    ~Reset() {
      current_doc = nullptr;
      current_seen = nullptr;
    }
  } reset;
  if (data.size() > static_cast<size_t>(INT32_MAX)) {
    doc->error = SourceError{"damaged", "file too large for the PDF reader (over 2 GiB)"};
    return;
  }
  bool has_encrypt = data.find("/Encrypt") != std::string::npos;
  size_t warnings_before = doc->page_errors.size();
  std::set<std::string> seen_before = seen;
  std::unique_ptr<poppler::document> pdf(poppler::document::load_from_raw_data(
      data.data(), static_cast<int>(data.size()), options.password, options.password));
  // One --password serves a whole batch: a file that needs none (only owner
  // restrictions, or not encrypted) must still open when it is wrong for it.
  if (!options.password.empty() && (!pdf || pdf->is_locked())) {
    std::unique_ptr<poppler::document> plain(
        poppler::document::load_from_raw_data(data.data(), static_cast<int>(data.size()), "", ""));
    if (plain && !plain->is_locked()) {
      pdf = std::move(plain);
      doc->page_errors.resize(warnings_before);  // the wrong password's "Incorrect password"
      seen = seen_before;                        // so the same messages from this load are kept
    }
  }
  if (!pdf) {
    if (has_encrypt && options.password.empty())
      doc->error = SourceError{"encrypted", "the PDF is encrypted and needs a password; pass --password"};
    else if (has_encrypt)
      doc->error = SourceError{"encrypted", "the PDF is encrypted and the given password does not open it"};
    else
      doc->error = SourceError{"damaged", "the PDF is damaged or truncated (no readable cross-reference table or trailer)"};
    return;
  }
  if (pdf->is_locked() && pdf->unlock(options.password, options.password)) {
    doc->error = SourceError{"encrypted", options.password.empty()
                                               ? "the PDF needs a user password; pass --password"
                                               : "the given password does not open this PDF"};
    return;
  }
  int n = pdf->pages();
  doc->page_count = std::max(0, n);
  bool any_text = false;
  int limit = n;
  if (options.max_pages > 0 && n > options.max_pages) {
    limit = options.max_pages;
    doc->page_errors.push_back({limit + 1, SourceError{"page_limit", "read the first " + std::to_string(limit) + " of " +
                                                                         std::to_string(n) + " pages (--max-pages)"}});
  }
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < limit; ++i) {
    if (options.timeout_seconds > 0 && i > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() > options.timeout_seconds) {
      doc->page_errors.push_back({i + 1, SourceError{"timeout", "stopped after " + std::to_string(i) + " of " +
                                                                     std::to_string(n) + " pages: --timeout reached"}});
      break;
    }
    current_page = i + 1;
    std::unique_ptr<poppler::page> page(pdf->create_page(i));
    if (!page) {
      doc->page_errors.push_back({i + 1, SourceError{"damaged_page", "page " + std::to_string(i + 1) + " cannot be read"}});
      continue;
    }
    PageLayout layout;
    layout.number = i + 1;
    std::string text = PageText(*page, options.on_layout ? &layout : nullptr);
    if (options.on_layout) options.on_layout(layout);
    if (text.find_first_not_of(" \n") != std::string::npos) any_text = true;
    doc->pages.push_back({i + 1, std::move(text)});
  }
  if (n <= 0) {
    doc->error = SourceError{"damaged", "the PDF has no pages"};
    doc->pages.clear();
  } else if (!any_text && !doc->pages.empty()) {
    // Poppler drops page content it cannot parse (resources nested too deep,
    // a broken stream) at times silently: a scan draws its image, so pages
    // that draw nothing at all, or that drew errors, are damage, not a scan.
    // (Font complaints are common in documents that read fine: not damage.)
    bool page_faults = false;
    for (const PageError& e : doc->page_errors)
      page_faults |= e.page > 0 && e.error.code == "poppler_warning" &&
                     e.error.message.find("ont") == std::string::npos;  // Font / font
    if (!page_faults) {
      // The first three pages, the middle and the last: a scan may open blank.
      std::set<int> sample = {0, 1, 2, (limit - 1) / 2, limit - 1};
      bool drawn = false;
      for (int i : sample) {
        if (i < 0 || i >= limit || drawn) continue;
        current_page = i + 1;
        std::unique_ptr<poppler::page> page(pdf->create_page(i));
        drawn = page && PageDrawsAnything(*page);
      }
      page_faults = !drawn;
    }
    if (page_faults)
      doc->error = SourceError{"damaged", "no text could be read from any of the " + std::to_string(n) +
                                              " pages, and they draw nothing a scan would (or the reader reported "
                                              "errors on them): the page content is damaged"};
    else
      doc->error = SourceError{"no_text_layer", "no text layer on any of the " + std::to_string(n) +
                                                    " pages (a scan?); run OCR first"};
    doc->pages.clear();
  } else if (doc->pages.empty()) {
    doc->error = SourceError{"damaged", "none of the " + std::to_string(n) + " pages can be read"};
  }
}

}  // namespace cnbudget
