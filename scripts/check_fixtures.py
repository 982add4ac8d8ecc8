#!/usr/bin/env python3
"""Check the committed snapshot in fixtures/site/ (Python 3.11, stdlib only).

    python3 scripts/check_fixtures.py [SEED_FILE]

1. make_fixtures.py regenerates every file byte for byte (into a temporary folder).
2. every [[page]] of site.toml exists; HTML pages decode with their declared encoding
   (BOM, then Content-Type charset, then <meta> in the first 1024 bytes; gb2312/gbk labels
   decoded as GB18030, as browsers do) and parse with html.parser with balanced tags.
3. the text of each document body (div#zoom) equals its seed page once whitespace and the
   seed's `|` cell separators are removed, and its numbers are the seed page's numbers in
   the same order.
4. list pages: 10 items on page 1, every document listed once, newest first.
Exit status 1 on any failure.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import tomllib
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as mf  # noqa: E402

VOID = {"meta", "link", "img", "br", "input", "hr", "col", "area", "base", "wbr", "source"}
FAILS = []


def fail(msg):
    FAILS.append(msg)
    print("FAIL:", msg)


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.zoom_depth = None
        self.zoom_text = []
        self.links = []
        self.imgs = []
        self.meta_charset = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self.links.append((a["href"], a.get("title")))
        if tag == "img":
            self.imgs.append(a.get("src"))
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "div" and a.get("id") == "zoom" and self.zoom_depth is None:
            self.zoom_depth = len(self.stack)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("unexpected </%s> (open: %s)" % (tag, self.stack[-3:]))
            if tag in self.stack:
                while self.stack and self.stack[-1] != tag:
                    self.stack.pop()
                self.stack.pop()
            return
        if self.zoom_depth is not None and len(self.stack) == self.zoom_depth and tag == "div":
            self.zoom_depth = -1
        self.stack.pop()

    def handle_data(self, data):
        if self.zoom_depth is not None and self.zoom_depth > 0:
            self.zoom_text.append(data)


def declared_encoding(data, ctype):
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "bom"
    m = re.search(r"charset=([\w-]+)", ctype)
    if m:
        return m.group(1), "header"
    head = data[:1024].decode("ascii", errors="replace")
    m = re.search(r'<meta[^>]+charset="?([\w-]+)', head, re.I)
    if m:
        return m.group(1), "meta"
    return None, "none"


def browser_codec(label):
    label = label.lower()
    if label in ("gb2312", "gbk", "gb18030", "x-gbk"):
        return "gb18030"
    return label


def squash(s):
    return "".join(s.replace("|", " ").split())


NUMS = re.compile(r"\d+(?:\.\d+)?")


def main(argv):
    root = mf.repo_root()
    site = os.path.join(root, "fixtures", "site")
    seed_path = argv[0] if argv else mf.default_seed()

    # 1. deterministic regeneration
    with tempfile.TemporaryDirectory() as tmp:
        mf.write_all(seed_path, tmp)
        gen = {}
        for d, _, fs in os.walk(tmp):
            for f in fs:
                full = os.path.join(d, f)
                gen[os.path.relpath(full, tmp)] = open(full, "rb").read()
    have = {}
    for d, _, fs in os.walk(site):
        for f in fs:
            full = os.path.join(d, f)
            have[os.path.relpath(full, site)] = open(full, "rb").read()
    if set(gen) != set(have):
        fail("file sets differ: missing %s, extra %s" % (sorted(set(gen) - set(have)), sorted(set(have) - set(gen))))
    for k in sorted(set(gen) & set(have)):
        if gen[k] != have[k]:
            fail("regenerated file differs: %s" % k)

    with open(seed_path, encoding="utf-8") as f:
        seed_pages, _ = mf.split_seed(f.read())
    with open(os.path.join(site, "site.toml"), "rb") as f:
        toml = tomllib.load(f)
    if toml.get("host") != mf.HOST:
        fail("host")
    by_path = {p["path"]: p for p in toml["page"]}
    if len(by_path) != len(toml["page"]):
        fail("duplicate paths in site.toml")
    docs = {mf.doc_path(p): p for p in mf.PAGES}

    listed = []
    for entry in toml["page"]:
        path, ctype = entry["path"], entry["content_type"]
        if "?" in path:
            fail("query string in path %s" % path)
        data = open(os.path.join(site, entry["file"]), "rb").read()
        if ctype == "image/png":
            if not data.startswith(b"\x89PNG\r\n\x1a\n"):
                fail("not a PNG: %s" % path)
            continue
        if ctype.startswith("text/plain"):
            continue
        label, how = declared_encoding(data, ctype)
        if label is None:
            fail("no encoding declared: %s" % path)
            continue
        try:
            text = data.decode(browser_codec(label), errors="strict")
        except UnicodeDecodeError as e:
            fail("%s does not decode as %s: %s" % (path, label, e))
            continue
        c = Checker()
        c.feed(text)
        c.close()
        if c.errors or c.stack:
            fail("%s: markup errors %s, unclosed %s" % (path, c.errors[:3], c.stack))
        for href, _ in c.links:
            if href.startswith("/") and not href.startswith("/search") and href.split("#")[0] not in by_path:
                fail("%s links to %s which is not in site.toml" % (path, href))
        note = ""
        if path in docs:
            p = docs[path]
            if p["enc"] != "utf-8":
                if "charset" in ctype or how != "meta":
                    fail("%s: GBK page must declare its charset only in <meta>" % path)
                if b"\n" in data.replace(b"\r\n", b""):
                    fail("%s: expected CRLF line endings" % path)
                try:
                    data.decode(label.lower(), errors="strict")
                    strict = "ok"
                except UnicodeDecodeError:
                    strict = "fails (characters outside the declared %s, deliberate)" % label
                note = "strict %s decode %s" % (label, strict)
            body = "".join(c.zoom_text)
            seed = seed_pages[p["seed"]]
            want = "\n".join(seed)
            if p["seed"] == 15:
                if mf.IMAGE_PATH not in c.imgs or squash(body):
                    fail("%s: expected an image-only body" % path)
            else:
                if squash(body) != squash(want):
                    a, b = squash(body), squash(want)
                    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
                    fail("%s (seed %d): body text differs at %d: %r vs %r" % (path, p["seed"], i, a[i - 20:i + 20], b[i - 20:i + 20]))
                if NUMS.findall(body) != NUMS.findall(want):
                    fail("%s (seed %d): numbers differ" % (path, p["seed"]))
        if path == mf.LANDING:
            if squash("".join(c.zoom_text)) != squash("\n".join(seed_pages[0])):
                fail("landing page does not show the guide text")
        if path in (mf.CHANNEL, mf.CHANNEL_P2):
            items = [h for h, t in c.links if h in docs and t]
            listed.append(items)
            if path == mf.CHANNEL and len(items) != 10:
                fail("list page 1 has %d items" % len(items))
        print("ok  %-78s %-6s via %-6s %s" % (path, label, how, note))

    flat = [h for items in listed for h in items]
    if sorted(flat) != sorted(docs):
        fail("list pages do not list every document exactly once")
    dates = [docs[h]["date"] for h in flat]
    if dates != sorted(dates, reverse=True):
        fail("list not newest first")
    for p in mf.PAGES:
        ts = int(p["id"][:8], 16)
        if p["seed"] in (5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17) and not (1574179200 <= ts < 1575158400):
            fail("id of seed page %d is not from late November 2019" % p["seed"])
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        return 1
    print("all checks passed (%d pages)" % len(toml["page"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
