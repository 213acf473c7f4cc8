// Every fault gets its code; good PDFs from every producer give text.
#include <doctest/doctest.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "extractor/html_source.h"
#include "extractor/pdf_source.h"
#include "extractor/sha256.h"
#include "extractor/source.h"
#include "grammar/metadata.h"

using namespace cnbudget;

namespace {
std::string Corpus(const std::string& name) { return std::string(CNBUDGET_TEST_CORPUS) + "/" + name; }

RawDocument Load(const std::string& path, const std::string& password = "") {
  InitPoppler();
  LoadOptions o;
  o.password = password;
  return LoadDocument(path, o);
}

std::string Code(const RawDocument& d) { return d.error ? d.error->code : "ok"; }

std::string All(const RawDocument& d) {
  std::string s;
  for (const auto& p : d.pages) s += p.text;
  return s;
}
}  // namespace

TEST_CASE("fault codes") {
  CHECK(Code(Load(Corpus("seed/does-not-exist.pdf"))) == "not_found");
  CHECK(Code(Load(Corpus("seed/empty.pdf"))) == "empty");
  CHECK(Code(Load(Corpus("seed/seed-garbage.pdf"))) == "not_a_pdf");
  CHECK(Code(Load(Corpus("seed/seed-truncated.pdf"))) == "damaged");
  CHECK(Code(Load(Corpus("seed/seed-encrypted-userpw.pdf"))) == "encrypted");
  CHECK(Code(Load(Corpus("seed/seed-encrypted-userpw.pdf"), "wrong")) == "encrypted");
  CHECK(Code(Load(Corpus("seed/seed-scanned.pdf"))) == "no_text_layer");
  CHECK(Code(Load(Corpus("seed"))) == "not_a_file");
}

TEST_CASE("every fault has a message a user can act on") {
  for (const char* f : {"seed/empty.pdf", "seed/seed-garbage.pdf", "seed/seed-truncated.pdf",
                        "seed/seed-encrypted-userpw.pdf", "seed/seed-scanned.pdf"}) {
    RawDocument d = Load(Corpus(f));
    REQUIRE(d.error);
    CHECK(d.error->message.size() > 10);
    CHECK(d.pages.empty());
  }
  CHECK(Load(Corpus("seed/seed-encrypted-userpw.pdf")).error->message.find("--password") != std::string::npos);
}

TEST_CASE("the password opens the encrypted seed; owner restrictions are ignored") {
  RawDocument enc = Load(Corpus("seed/seed-encrypted-userpw.pdf"), "secret");
  CHECK(Code(enc) == "ok");
  RawDocument lo = Load(Corpus("seed/seed-libreoffice.pdf"));
  RawDocument own = Load(Corpus("seed/seed-owner-restricted.pdf"));
  CHECK(Code(own) == "ok");
  // One --password for a whole batch: files that need none still open, and
  // the wrong password leaves no warning behind.
  RawDocument own_pw = Load(Corpus("seed/seed-owner-restricted.pdf"), "secret");
  CHECK(Code(own_pw) == "ok");
  CHECK(own_pw.page_errors.empty());
  CHECK(Code(Load(Corpus("seed/seed-libreoffice.pdf"), "secret")) == "ok");
  CHECK(All(enc) == All(lo));
  CHECK(All(own) == All(lo));
  CHECK(lo.page_count == 23);
  CHECK(lo.sha256.size() == 64);
}

TEST_CASE("reading order keeps words and numbers whole") {
  for (const char* f : {"seed/seed-libreoffice.pdf", "seed/seed-chromium.pdf", "seed/seed-reportlab.pdf"}) {
    std::string t = All(Load(Corpus(f)));
    INFO(f);
    CHECK(t.find("462.48") != std::string::npos);
    CHECK(t.find("35.15%") != std::string::npos);
    // Page footers are dropped.
    CHECK(t.find("\n- 12 -\n") == std::string::npos);
    CHECK(t.find("\n-12-\n") == std::string::npos);
  }
}

TEST_CASE("text files: a form feed is a page break") {
  std::string path = "/tmp/cnbudget-test-pages.txt";
  {
    std::ofstream o(path);
    o << "第一页\f第二页\f";
  }
  RawDocument d = Load(path);
  REQUIRE(d.pages.size() == 2);
  CHECK(d.pages[1].number == 2);
  CHECK(d.pages[1].text == "第二页");
  std::remove(path.c_str());
}

TEST_CASE("metadata and the gazetteer") {
  std::string error;
  auto gaz = Gazetteer::Load(std::string(CNBUDGET_GRAMMAR_DIR) + "/data/divisions.tsv", &error);
  REQUIRE_MESSAGE(gaz, error);
  DocumentMeta m = ReadMetadata({"上海市普陀区2026年区级部门预算\n预算主管部门:上海市普陀区司法局\n"}, gaz.get());
  CHECK(*m.department == "上海市普陀区司法局");
  CHECK(*m.year == 2026);
  CHECK(*m.kind == "budget");
  CHECK(*m.district == "普陀区");
  CHECK(*m.division_code == "310107");
  m = ReadMetadata({"江苏省人民检察院\n2018年部门预算\n"}, gaz.get());
  CHECK(*m.department == "江苏省人民检察院");
  CHECK_FALSE(m.district);
  CHECK(*m.division_code == "320000");
  m = ReadMetadata({"上海市普陀区财政局\n2024年度部门决算\n"}, gaz.get());
  CHECK(*m.kind == "final_accounts");
  m = ReadMetadata({"青云谱区政府办公室2024年部门预算\n"}, gaz.get());
  CHECK(*m.division_code == "360104");
}

TEST_CASE("pages that draw nothing are damage, not a scan") {
  // A well-formed one-page PDF whose page has no content at all (what
  // Poppler leaves of a page whose resources it could not parse); the second
  // claims a page 1.3 km wide, which must not become a gigabyte bitmap.
  for (const char* box : {"[0 0 595 842]", "[0 0 3600000 3600000]"}) {
  std::string pdf = "%PDF-1.6\n";
  std::vector<size_t> off;
  std::string page = std::string("<< /Type /Page /Parent 2 0 R /MediaBox ") + box + " >>";
  const char* objs[] = {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                        page.c_str()};
  for (int i = 0; i < 3; ++i) {
    off.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 4\n0000000000 65535 f \n";
  for (size_t o : off) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    pdf += line;
  }
  pdf += "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  InitPoppler();
  RawDocument d;
  ReadPdf(pdf, LoadOptions{}, &d);
  REQUIRE(d.error);
  CHECK(d.error->code == "damaged");
  CHECK(d.page_count == 1);
  }
  // The scanned seed draws its page images: still no_text_layer.
  CHECK(Code(Load(Corpus("seed/seed-scanned.pdf"))) == "no_text_layer");
}

TEST_CASE("a file's digest is streamed and equals the digest of its bytes") {
  // 1.8 MB: many 64 KiB reads, and not a multiple of 64 bytes.
  for (const char* f : {"seed/seed-chromium.pdf", "seed/seed-libreoffice.pdf", "seed/000_11ca13e1048fbe42.txt"}) {
    std::string path = Corpus(f);
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(Sha256File(path) == Sha256Hex(bytes));
    CHECK(Sha256File(path) == Load(path).sha256);
  }
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256File(Corpus("seed/empty.pdf")).empty());
  CHECK(Sha256File(Corpus("seed")).empty());  // a folder
  CHECK(Sha256File(Corpus("seed/no-such-file.pdf")).empty());
}

TEST_CASE("SHA-256: known answers, the CPU's SHA instructions and the portable code agree") {
  std::string million(1000000, 'a');
  std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  std::string mixed;
  for (int i = 0; i < 1000; ++i) mixed.push_back(static_cast<char>(i * 37 + (i >> 3)));
#if defined(__x86_64__)
  unsigned a, b, c, d;
  bool sha_ni = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
  const char* which = sha_ni ? "CPU has SHA instructions: the fast and the portable path are compared"
                             : "CPU has no SHA instructions: only the portable path runs here";
  MESSAGE(std::string(which));
#endif
  for (int portable = 0; portable < 2; ++portable) {
    if (portable) setenv("CNBUDGET_PORTABLE_SHA256", "1", 1);
    CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(Sha256Hex(two_blocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(Sha256Hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // sha256sum of the file
    CHECK(Sha256File(Corpus("seed/seed-chromium.pdf")) == "6b0cf9469d88e571f59af5c321f1233fbdca91dfe3e474914c192527a94c2a24");
    unsetenv("CNBUDGET_PORTABLE_SHA256");
  }
  for (size_t len = 0; len <= mixed.size(); len += 7) {
    std::string part = mixed.substr(0, len);
    std::string fast = Sha256Hex(part);
    setenv("CNBUDGET_PORTABLE_SHA256", "1", 1);
    CHECK(Sha256Hex(part) == fast);
    unsetenv("CNBUDGET_PORTABLE_SHA256");
  }
}

TEST_CASE("web pages: text by printed line, tables by column, GBK converted") {
  std::string html =
      "<%@ page contentType=\"text/html; charset=UTF-8\"%><html><head><title>t</title>"
      "<script>var x = '<p>不要</p>';</script><style>p{}</style></head><body>"
      "<div>当前位置：首页 &gt; 某局2024年部门预算</div><!-- a comment -->"
      "<h2>某局2024年部门预算</h2><p>收入预算总额&nbsp;462.48万元，<br>比上年增加&#49;0万元。</p>"
      "<table><tr><th rowspan=\"2\">项目</th><th colspan=\"2\">本年</th></tr>"
      "<tr><th>基本</th><th>项目</th></tr>"
      "<tr><td>合计</td><td>1.00</td><td></td></tr></table></body></html>";
  std::string text = HtmlText(html);
  CHECK(text == "某局2024年部门预算\n收入预算总额 462.48万元，\n比上年增加10万元。\n项目 本年\n基本 项目\n合计 1.00\n");
  // The layout: the rowspan keeps 基本 under 本年's first column, blank cells are absent.
  LoadOptions o;
  std::vector<TextLine> lines;
  o.on_layout = [&](const PageLayout& p) { lines = p.lines; };
  RawDocument d;
  ReadHtml(html, o, &d);
  REQUIRE(lines.size() == 6);
  REQUIRE(lines[4].words.size() == 2);
  CHECK(lines[4].words[0].x0 > 100);       // 基本: column 1, not column 0
  REQUIRE(lines[5].words.size() == 2);      // 合计 1.00, the blank cell dropped
  CHECK(lines[5].words[1].x1 == doctest::Approx(196));  // right-aligned in column 1
  // GBK, declared in a meta tag: 预算 is D4A4 CBE3.
  CHECK(HtmlText("<meta charset=\"gb2312\"><p>\xD4\xA4\xCB\xE3</p>") == "预算\n");
  RawDocument empty;
  ReadHtml("<html><body><script>x</script></body></html>", LoadOptions{}, &empty);
  REQUIRE(empty.error);
  CHECK(empty.error->code == "empty");
}
