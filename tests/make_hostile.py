#!/usr/bin/env python3
"""Writes a folder of hostile inputs for cnbudget (tests/hostile.sh, docs/hostile.md).

usage: make_hostile.py OUTDIR [ROOT]

ROOT is the source tree (default: this script's parent folder); the good
control documents are copied from ROOT/corpus/seed.  Nothing is checked in:
every hostile file is written here, the PDFs by hand with correct xref
offsets, so that each one fails (or survives) for the reason it was made for
and not because of a broken cross-reference table.

OUTDIR/cases.json lists the inputs by name; OUTDIR/in is the input folder.
"""
import json
import os
import shutil
import stat
import sys
import zlib

# Sizes of the hostile cases (the limits in hostile.sh are chosen for them).
NEST_DEPTH = 100_000          # arrays / dictionaries nested this deep
PAGE_COUNT = 10_000           # pages in the long PDF
MEGA_TEXT_BYTES = 1 << 20     # text on the one crowded page
BOMB_BYTES = 1 << 30          # what the 1 MB flate streams inflate to
BIG_TXT_BYTES = 100 << 20     # the big plain-text file

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def pdf(objects, root=1, header=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"):
    """A PDF with objects 1..n (bytes each, without `obj`/`endobj`), its xref
    table at the offsets they really have, and the trailer."""
    out = bytearray(header)
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_ops(lines, size=12, x=72, y=720, leading=14):
    ops = [b"BT /F1 %d Tf %d TL %d %d Td" % (size, leading, x, y)]
    for line in lines:
        ops.append(b"(" + line.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def one_page(content, page_extra=b"", media=b"[0 0 612 792]", content_extra=b""):
    """Catalog, Pages, one Page, its content stream and a Helvetica font."""
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + media + b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R"
        + page_extra + b" >>",
        stream(content, content_extra),
        FONT,
    ])


def good_pdf(label):
    return one_page(text_ops([b"cnbudget hostile test: " + label, b"An ordinary page of text."]))


def bomb_stream(tail):
    """A zlib stream of BOMB_BYTES spaces, then `tail`, about 1 MB compressed.
    A full flush resets the compressor, so one compressed 16 MiB block of
    spaces can be repeated byte for byte instead of compressing 1 GiB."""
    chunk = 16 << 20
    c = zlib.compressobj(9)
    head = c.compress(b" " * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    c2 = zlib.compressobj(9)
    block = c2.compress(b" " * chunk)
    block += c2.flush(zlib.Z_FULL_FLUSH)
    block = block[2:]  # c2's zlib header; the blocks are raw deflate after it
    # head = zlib header + deflate block(s) for one chunk ending in a full flush.
    assert head[2:] == block, "full-flush blocks are not byte-identical"
    n = BOMB_BYTES // chunk
    adler = 1
    spaces = b" " * chunk
    for _ in range(n):
        adler = zlib.adler32(spaces, adler)
    adler = zlib.adler32(tail, adler)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = end.compress(tail) + end.flush()
    return head + block * (n - 1) + last + adler.to_bytes(4, "big")


def write(path, data, mode="wb"):
    with open(path, mode) as f:
        f.write(data)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) == 3 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    seed_txt = os.path.join(root, "corpus", "seed", "000_11ca13e1048fbe42.txt")
    seed_pdf = os.path.join(root, "corpus", "seed", "seed-libreoffice.pdf")
    inp = os.path.join(out, "in")
    os.makedirs(inp)
    seed = open(seed_txt, "rb").read()
    cases = {}  # relative path (as str, surrogateescape) -> what it is

    def add(rel, what, data=None):
        rel_b = os.fsencode(rel)
        path = os.path.join(os.fsencode(inp), rel_b)
        if data is not None:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write(path, data)
        cases[os.fsdecode(rel_b)] = what

    # --- good control documents (distinct bytes: the same bytes twice would be a duplicate)
    add("control_seed.txt", "control", seed + "\n对照文本 control 1\n".encode())
    pdf_bytes = open(seed_pdf, "rb").read()
    add("control_libreoffice.pdf", "control", pdf_bytes + b"% cnbudget hostile control copy\n")
    # A folder named like a PDF: searched like any folder, its file is a control.
    add("x.pdf/inside_folder_named_pdf.txt", "control", seed + "\n对照文本 control 2\n".encode())

    # --- awkward names, ordinary content
    add("name with spaces.txt", "name", seed + "\n名字 spaces\n".encode())
    add("name with\nnewline.txt", "name", seed + "\n名字 newline\n".encode())
    add(os.fsdecode(b"name-\xff\xfe-latin1-\xe9t\xe9.txt"), "name", seed + "\n名字 bytes\n".encode())

    # --- invalid UTF-8 inside a .txt: stray continuation bytes, a truncated
    # sequence, an overlong '/', a UTF-16 surrogate, 0xFF; the prose is intact.
    bad = seed.replace("一、部门主要职责".encode(), b"\xff\xfe\x80" + "一、部门主要职责".encode() + b"\xe4\xb8", 1)
    bad = bad.replace("二、".encode(), b"\xc0\xaf\xed\xa0\x80" + "二、".encode(), 1) + b"\n\xf8\x88\x80\x80\x80 tail\n"
    add("invalid_utf8.txt", "invalid utf-8", bad)

    # --- not PDFs, or not whole ones
    add("html_error_page.pdf", "html", b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
        b"<body><h1>Not Found</h1><p>The requested URL /upload/2024/budget.pdf was not found on this server.</p>"
        b"<hr><address>nginx</address></body></html>\n")
    whole = good_pdf(b"truncated")
    add("truncated.pdf", "truncated", whole[: whole.index(b"xref") - 40])  # no xref, no trailer, last object cut
    add("empty.pdf", "empty", b"")

    # --- deep nesting: in the page dictionary, in its resources, and in the content stream
    deep_array = b"[" * NEST_DEPTH + b"]" * NEST_DEPTH
    deep_dict = b"<< /A " * NEST_DEPTH + b"1" + b" >>" * NEST_DEPTH
    add("deep_array_in_page.pdf", "deep", one_page(text_ops([b"deep array in the page dictionary"]),
                                                   page_extra=b" /Deep " + deep_array))
    add("deep_dict_in_resources.pdf", "deep", pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /Deep "
        + deep_dict + b" >> /Contents 4 0 R >>",
        stream(text_ops([b"deep dictionary in the resources"])),
        FONT,
    ]))
    content = (b"q " * NEST_DEPTH + b"\n" + deep_array + b" pop\n" + b"<< /A " * 1000 + b"1" + b" >>" * 1000 + b" pop\n"
               + text_ops([b"deep nesting in the content stream"]) + b"\n" + b"Q " * NEST_DEPTH)
    add("deep_in_content.pdf", "deep", one_page(content))
    # The same nesting as the top-level object the catalog points to.
    add("deep_catalog.pdf", "deep", pdf([b"<< /Type /Catalog /Pages 2 0 R /Deep " + deep_array + b" >>",
                                         b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                         b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                                         b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
                                         stream(text_ops([b"deep array in the catalog"])), FONT]))

    # --- page tree loops: a /Kids entry pointing back at the root, and a node that is its own kid
    add("page_tree_loop.pdf", "loop", pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        stream(text_ops([b"the only real page of a looping page tree"])),
        FONT,
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 7 0 R] /Count 2 >>",  # back to its ancestor
        b"<< /Type /Pages /Parent 6 0 R /Kids [7 0 R] /Count 1 >>",        # its own kid
    ]))

    # --- 10,000 pages, one shared content stream
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None, stream(text_ops([b"one of ten thousand pages"])), FONT]
    first = len(objs) + 1
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(PAGE_COUNT))
    objs[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % PAGE_COUNT
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"
    objs += [page] * PAGE_COUNT
    add("pages_10000.pdf", "many pages", pdf(objs))

    # --- one page with a megabyte of text: the largest page PDF allows (200 in
    # square), 1,100 lines of 10-point type, 960 characters each.  (Not smaller
    # type: poppler keeps only the first 50,000 glyphs under 3 points.)
    line = b" ".join([b"A megabyte of text on one page; every line is the same length, 0123456789."] * 12)
    lines = [line] * (MEGA_TEXT_BYTES // len(line) + 1)
    add("megabyte_text_page.pdf", "mega page",
        one_page(text_ops(lines, size=10, x=10, y=14380, leading=12), media=b"[0 0 14400 14400]"))

    # --- stream bombs: ~1 MB of flate that inflates to 1 GiB
    tail = b"\n" + text_ops([b"text after a gigabyte of spaces"])
    bomb = bomb_stream(tail)
    add("bomb_content_stream.pdf", "bomb", one_page(bomb, content_extra=b" /Filter /FlateDecode"))
    font_bomb = bomb_stream(b"%!PS-AdobeFont-1.0: Bomb\n")
    add("bomb_embedded_font.pdf", "bomb", pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        stream(text_ops([b"a page whose font file inflates to a gigabyte"])),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Bomb /FirstChar 32 /LastChar 126 /Widths [" + b"500 " * 95
        + b"] /FontDescriptor 6 0 R >>",
        b"<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 "
        b"/Descent -200 /CapHeight 700 /StemV 80 /FontFile 7 0 R >>",
        stream(font_bomb, b" /Filter /FlateDecode /Length1 %d /Length2 0 /Length3 0" % BOMB_BYTES),
    ]))

    # --- a 100 MB plain-text file (no form feed: one 100 MB page).  Named to
    # sort last: when a worker is stopped the parent hashes the file (100 MB)
    # and supervises no other worker meanwhile, so nothing else should be
    # running close to a limit then (see docs/hostile.md).
    big_line = "这一行是填充文本，没有任何数字，只为把文件撑大。filler text without figures\n".encode()
    big_path = os.path.join(inp, "zz_big_100mb.txt")
    with open(big_path, "wb") as f:
        block = big_line * ((1 << 20) // len(big_line) + 1)
        written = 0
        while written < BIG_TXT_BYTES:
            part = block[: BIG_TXT_BYTES - written]
            f.write(part)
            written += len(part)
    cases["zz_big_100mb.txt"] = "big txt"

    # --- not regular files, or not readable
    os.mkfifo(os.path.join(inp, "fifo.pdf"))
    cases["fifo.pdf"] = "fifo"
    add("unreadable.pdf", "unreadable", good_pdf(b"unreadable"))
    os.chmod(os.path.join(inp, "unreadable.pdf"), 0)
    sub = os.path.join(inp, "sub")
    os.makedirs(sub)
    os.symlink(".", os.path.join(sub, "loop"))                  # sub/loop/loop/... forever
    os.symlink("..", os.path.join(sub, "up"))                   # back to the input root
    os.symlink("loop_b.pdf", os.path.join(sub, "loop_a.pdf"))   # a.pdf -> b.pdf -> a.pdf
    os.symlink("loop_a.pdf", os.path.join(sub, "loop_b.pdf"))
    cases["sub/loop_a.pdf"] = "symlink loop"
    cases["sub/loop_b.pdf"] = "symlink loop"
    add("sub/after_the_loops.txt", "control", seed + "\n对照文本 control 3\n".encode())

    # --- CSV output safety: text cells that begin like spreadsheet formulas
    csv_in = os.path.join(out, "csv_in")
    os.makedirs(csv_in)
    formula = ("=HYPERLINK(\"http://x\")区政府办公室2024年部门预算\n"
               "+收入预算总额462.48万元，比2023年预算增加60.02万元。\n"
               "-支出预算总额462.48万元。\n"
               "@SUM(A1)机关运行费预算103.00万元，比2023年预算增加26.79万元，增长35.15%。\n"
               "=1+2其他怪异经费12.00万元。\n").encode()
    write(os.path.join(csv_in, "formula_text.txt"), formula)
    write(os.path.join(csv_in, "=cmd()name.txt"), seed + b"\n= name\n")
    write(os.path.join(csv_in, "@at name.txt"), seed + b"\n@ name\n")
    write(os.path.join(csv_in, "+plus,comma \"quote\".txt"), seed + b"\n+ name\n")
    write(os.path.join(csv_in, "-minus name.txt"), seed + b"\n- name\n")

    with open(os.path.join(out, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"cases": cases, "depth": NEST_DEPTH, "pages": PAGE_COUNT, "bomb_bytes": BOMB_BYTES,
                   "big_txt_bytes": BIG_TXT_BYTES}, f, ensure_ascii=True, indent=1)


if __name__ == "__main__":
    main()
