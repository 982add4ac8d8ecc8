#!/usr/bin/env python3
"""Build the offline HTML snapshot of zwzx.liaocheng.gov.cn used as test fixtures.

Usage:
    python3 scripts/make_fixtures.py [SEED_FILE] [--out DIR]

SEED_FILE defaults to ../shared/seed/000_75c59c17b5b0da39.txt relative to the repository
root; DIR defaults to fixtures/site/ in the repository.

The pages are *reconstructions* made from the published plain text in the seed file, not
captures of the live site. Every body line and every number of the seed is kept exactly as
published; titles, dates, index numbers, document ids and all markup are invented here to
look like the bureau's CMS (see fixtures/README.md).

Deterministic: no timestamps, no randomness. Running it twice gives identical bytes.
Python 3.11, standard library only.
"""

from __future__ import annotations

import html
import os
import re
import struct
import sys
import zlib

HOST = "zwzx.liaocheng.gov.cn"
LANDING = "/channel_lc_sxzspjchannel201911221748261556996309"
CHANNEL = "/channel_l_sxzspjchannel201911221748522677536714"
CHANNEL_P2 = CHANNEL + "_2"

BUREAU = "聊城市行政审批服务局"
CENTRE = "聊城市政务服务中心管理办公室"
CREDIT = "11371500MB2862819G"

CHROME_SCAN = "扫码使用手机浏览本页内容"

# --------------------------------------------------------------------------------------
# Page metadata. Everything here except the seed page numbers is invented (see README).
# id: MongoDB ObjectId (first 8 hex = Unix seconds). Back-filled 2012-2018 pages got ids
# from the CMS migration (2019-11-25..27), not from their years.
# enc: (python codec, how it is declared). "utf-8" pages also get a charset header.
# --------------------------------------------------------------------------------------
PAGES = [
    dict(seed=0, id="640a8409cfcd2084953a93c3", date="2023-03-10 09:15", year=None,
         kind="guide", title="聊城市行政审批服务局2023年度政府信息公开指南",
         org=BUREAU, index="2023-10287733", enc="utf-8", decl="meta-utf8"),
    dict(seed=1, id="65a9de33c4ca4238a03a9596", date="2024-01-19 10:32", year=2023,
         kind="annual report", title="聊城市行政审批服务局2023年政府信息公开工作年度报告",
         org=BUREAU, index="2024-13156941", enc="utf-8", decl="meta-utf8"),
    dict(seed=2, id="63c4ff6bc81e728d9d3a9769", date="2023-01-16 15:47", year=2022,
         kind="annual report", title="聊城市行政审批服务局2022年度政府信息公开工作年度报告",
         org=BUREAU, index="2023-12044518", enc="utf-8", decl="bom+meta-utf8"),
    dict(seed=3, id="61e52360eccbc87e4b3a993c", date="2022-01-17 16:08", year=2021,
         kind="annual report", title="聊城市行政审批服务局2021年政府信息公开工作年度报告",
         org=BUREAU, index="2022-11930276", enc="utf-8", decl="meta-utf8"),
    dict(seed=4, id="600f89b5a87ff679a23a9b0f", date="2021-01-26 11:20", year=2020,
         kind="annual report", title="聊城市行政审批服务局2020年度政府信息公开工作年度报告",
         org=BUREAU, index="2021-10755302", enc="utf-8", decl="meta-utf8"),
    dict(seed=5, id="5ddc8a7e5dd3a1c2e43a9eb5", date="2017-02-20 16:45", year=2016,
         kind="annual report", title="聊城市政务服务中心管理办公室2016年政府信息公开工作年度报告",
         org=CENTRE, index="2017-00412", enc="gbk", decl="meta-http-equiv-gb2312"),
    dict(seed=6, id="5e3237981679091c5a3a9ce2", date="2020-01-30 09:58", year=2019,
         kind="annual report", title="聊城市行政审批服务局2019年政府信息公开工作年度报告",
         org=BUREAU, index="2020-00318", enc="utf-8", decl="meta-utf8"),
    dict(seed=7, id="5ddc82b35dd3a1c2e43aa088", date="2019-01-17 14:26", year=2018,
         kind="annual report", title="聊城市行政审批服务局2018年度政府信息公开工作年度报告",
         org=BUREAU, index="2019-00027", enc="gbk", decl="meta-charset-gbk"),
    dict(seed=8, id="5ddcce185dd3a1c2e43aa25b", date="2017-04-12 10:05", year=None,
         kind="work points", title="2017年政务公开工作要点",
         org=CENTRE, index="2017-00763", enc="gbk", decl="meta-charset-gbk"),
    dict(seed=9, id="5ddc86c75dd3a1c2e43aa42e", date="2018-01-19 09:30", year=2017,
         kind="annual report", title="聊城市政务服务中心管理办公室2017年政府信息公开年度报告",
         org=CENTRE, index="2018-00105", enc="gbk", decl="meta-http-equiv-gb2312"),
    dict(seed=10, id="5ddccf9b5dd3a1c2e43aa601", date="2017-07-05 15:12", year=None,
         kind="work points (implementation)", title="关于2017年政务公开工作要点落实情况的报告",
         org=CENTRE, index="2017-01544", enc="gbk", decl="meta-charset-gbk"),
    dict(seed=11, id="5ddcd2845dd3a1c2e43aa7d4", date="2017-04-13 08:50", year=None,
         kind="task table", title="政务公开工作任务分解表",
         org=CENTRE, index="2017-00770", enc="gbk", decl="meta-charset-gbk"),
    dict(seed=12, id="5dddc7975dd3a1c2e43aa9a7", date="2014-04-28 11:03", year=None,
         kind="task table", title="2014年政府信息公开工作任务安排表",
         org=CENTRE, index="2014-00391", enc="gbk", decl="meta-charset-gbk"),
    dict(seed=13, id="5dddcb7b5dd3a1c2e43aab7a", date="2015-01-05 10:20", year=2014,
         kind="statistics table", title="2014年政府信息公开工作统计表",
         org=CENTRE, index="2015-00006", enc="gbk", decl="meta-charset-gbk"),
    dict(seed=14, id="5dddcd625dd3a1c2e43aad4d", date="2014-12-31 17:10", year=2014,
         kind="annual report", title="聊城市政务服务中心管理办公室2014年政府信息公开工作年度报告",
         org=CENTRE, index="2014-01876", enc="gbk", decl="meta-http-equiv-gb2312"),
    dict(seed=15, id="5ddba0ac5dd3a1c2e43aaf20", date="2016-02-26 09:40", year=2015,
         kind="empty report page", title="聊城市政务服务中心管理办公室2015年政府信息公开工作年度报告",
         org=CENTRE, index="2016-00233", enc="gbk", decl="meta-charset-gbk"),
    dict(seed=16, id="5dddd1b25dd3a1c2e43ab0f3", date="2014-01-20 10:00", year=2013,
         kind="annual report (indicator table)", title="聊城市政务服务中心2013年政府信息公开工作年度报告",
         org=CENTRE, index="2014-00018", enc="gbk", decl="meta-http-equiv-gb2312"),
    dict(seed=17, id="5dddd3aa5dd3a1c2e43ab2c6", date="2013-01-21 14:35", year=2012,
         kind="annual report (indicator table)", title="聊城市政务服务中心2012年度政府信息公开工作报告",
         org=CENTRE, index="2013-00021", enc="gb18030", decl="meta-charset-GB18030"),
]

IMAGE_ID = "5ddba07e5dd3a1c2e43ab499"
IMAGE_PATH = "/resources/public/20191125/%s.png" % IMAGE_ID

# pages whose body is CMS-editor markup (the rest are Word exports)
CMS_PAGES = {0, 1, 2, 3, 4, 6}


def doc_path(p):
    return "%s/doc_%s.html" % (CHANNEL, p["id"])


def doc_file(p):
    return "pages%s/doc_%s.html" % (CHANNEL, p["id"])


# --------------------------------------------------------------------------------------
# Seed
# --------------------------------------------------------------------------------------

def split_seed(text):
    """Return (pages, footer_lines): pages[i] is the list of body lines of seed page i."""
    chunks = re.split(r"字号:\n大 中 小", text)
    pages = []
    footer = []
    for i, chunk in enumerate(chunks):
        body, sep, after = chunk.partition(CHROME_SCAN)
        lines = [ln for ln in body.split("\n") if ln.strip() != ""]
        if lines:
            lines[0] = lines[0].lstrip(" ")
        pages.append(lines)
        if after.strip():
            footer = [ln for ln in after.split("\n") if ln.strip()]
    assert len(pages) == 19, len(pages)
    assert pages[15] == [] and pages[18] == [], (pages[15], pages[18])
    return pages, footer


NUM_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def cells_of(line):
    """Split a `a | b | c |` seed line into stripped cells (trailing separator dropped)."""
    parts = line.split("|")
    if parts and parts[-1].strip() == "":
        parts = parts[:-1]
    return [c.strip() for c in parts]


def nonempty(cells):
    return [c for c in cells if c != ""]


# --------------------------------------------------------------------------------------
# Markup helpers
# --------------------------------------------------------------------------------------

def esc(s):
    return html.escape(s, quote=False)


def label_html(s, br=True):
    """Cell label: spaces inside labels become <br> (br=True) or stay spaces."""
    if br:
        return "<br>".join(esc(x) for x in s.split(" "))
    return esc(s)


HEAD_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))")


def is_heading(line):
    return bool(HEAD_RE.match(line)) and len(line) <= 32 and not line.endswith("。")


class Table:
    """Rows of cells: (html_text, colspan, rowspan)."""

    def __init__(self, ncols):
        self.ncols = ncols
        self.rows = []

    def row(self, *cells):
        norm = []
        for c in cells:
            if isinstance(c, str):
                norm.append((c, 1, 1))
            else:
                t, cs = c[0], c[1]
                rs = c[2] if len(c) > 2 else 1
                norm.append((t, cs, rs))
        self.rows.append(norm)


def render_table(t, word, empty_variant=0):
    out = []
    if word:
        out.append('<table border="1" cellspacing="0" cellpadding="0" class="MsoNormalTable" '
                   'style="border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;'
                   'mso-padding-alt:0cm 5.4pt 0cm 5.4pt">')
        out.append("<tbody>")
    else:
        out.append('<table border="1" cellspacing="0" cellpadding="0" width="100%" '
                   'style="border-collapse:collapse;">')
        out.append("<tbody>")
    width = max(1, 600 // t.ncols)
    for ri, r in enumerate(t.rows):
        out.append("<tr>" if not word else '<tr style="mso-yfti-irow:%d">' % ri)
        for ci, (text, cs, rs) in enumerate(r):
            attrs = ""
            if cs > 1:
                attrs += ' colspan="%d"' % cs
            if rs > 1:
                attrs += ' rowspan="%d"' % rs
            if word:
                attrs = ' width="%d" valign="middle"' % (width * cs) + attrs
                if text == "":
                    if (ri + ci + empty_variant) % 2 == 0:
                        out.append("<td%s>&nbsp;</td>" % attrs)
                    else:
                        out.append('<td%s><p class="MsoNormal" align="center">&nbsp;<o:p></o:p></p></td>' % attrs)
                elif cs == t.ncols and len(r) == 1 and len(text) > 60:
                    # prose summary row spanning the table: left-aligned, indented
                    out.append('<td%s><p class="MsoNormal" style="text-indent:21.0pt">'
                               '<span style="font-size:10.5pt;font-family:宋体">%s</span><o:p></o:p></p></td>'
                               % (attrs, text))
                else:
                    out.append('<td%s><p class="MsoNormal" align="center" style="text-align:center">'
                               '<span style="font-size:10.5pt;font-family:宋体">%s</span><o:p></o:p></p></td>'
                               % (attrs, text))
            else:
                if text == "":
                    out.append("<td%s>&nbsp;</td>" % attrs)
                else:
                    out.append('<td%s style="text-align:center;">%s</td>' % (attrs, text))
        out.append("</tr>")
    out.append("</tbody>")
    out.append("</table>")
    return out


# ---------------- national templates ----------------

def table2(lines, ncols, spacer):
    """Table 2 (主动公开): title rows span the table; short rows widen their last cell."""
    width = ncols + (1 if spacer else 0)
    t = Table(width)
    for ln in lines:
        cs = nonempty(cells_of(ln))
        if len(cs) == 1:
            t.row((esc(cs[0]), width))
            continue
        cells = [label_html(c) for c in cs]
        row = [(c, 1) for c in cells[:-1]] + [(cells[-1], ncols - len(cells) + 1)]
        if spacer:
            row.append(("", 1))
        t.row(*row)
    return t


T3_2021 = [
    ("top", None, "一、本年新收政府信息公开申请数量"),
    ("top", None, "二、上年结转政府信息公开申请数量"),
    ("res", None, "(一)予以公开"),
    ("res", None, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ("sub", "(三)不予公开", "1.属于国家秘密"),
    ("sub", "(三)不予公开", "2.其他法律行政法规禁止公开"),
    ("sub", "(三)不予公开", "3.危及“三安全一稳定”"),
    ("sub", "(三)不予公开", "4.保护第三方合法权益"),
    ("sub", "(三)不予公开", "5.属于三类内部事务信息"),
    ("sub", "(三)不予公开", "6.属于四类过程性信息"),
    ("sub", "(三)不予公开", "7.属于行政执法案卷"),
    ("sub", "(三)不予公开", "8.属于行政查询事项"),
    ("sub", "(四)无法提供", "1.本机关不掌握相关政府信息"),
    ("sub", "(四)无法提供", "2.没有现成信息需要另行制作"),
    ("sub", "(四)无法提供", "3.补正后申请内容仍不明确"),
    ("sub", "(五)不予处理", "1.信访举报投诉类申请"),
    ("sub", "(五)不予处理", "2.重复申请"),
    ("sub", "(五)不予处理", "3.要求提供公开出版物"),
    ("sub", "(五)不予处理", "4.无正当理由大量反复申请"),
    ("sub", "(五)不予处理", "5.要求行政机关确认或重新 出具已获取信息"),
    ("sub", "(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("sub", "(六)其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("sub", "(六)其他处理", "3.其他"),
    ("res", None, "(七)总计"),
    ("top", None, "四、结转下年度继续办理"),
]
T3_2019 = T3_2021[:20] + [("res", None, "(六)其他处理")] + T3_2021[23:]
RESULTS = "三、本年度办理结果"


def value_cells(nums):
    """Values of a table-3 row; the seed lost merged value cells (see brief/README)."""
    n = len(nums)
    if n == 7:
        return [(esc(v), 1) for v in nums]
    if n == 1:
        return [(esc(nums[0]), 7)]
    if n == 2:
        return [(esc(nums[0]), 6), (esc(nums[1]), 1)]
    if n == 3:
        return [(esc(nums[0]), 1), (esc(nums[1]), 5), (esc(nums[2]), 1)]
    raise ValueError(nums)


def table3(lines, template):
    t = Table(10)
    h1, h2, h3 = (nonempty(cells_of(x)) for x in lines[:3])
    t.row((label_html(h1[0], br=False), 3, 3), (esc(h1[1]), 7))
    t.row((esc(h2[0]), 1, 2), (esc(h2[1]), 5), (esc(h2[2]), 1, 2))
    t.row(*[esc(c) for c in h3])
    data = lines[3:]
    assert len(data) == len(template), (len(data), len(template))
    nres = sum(1 for k, _, _ in template if k != "top")
    groups = {}
    for k, g, _ in template:
        if g:
            groups[g] = groups.get(g, 0) + 1
    seen_res = False
    seen_groups = set()
    for ln, (kind, group, label) in zip(data, template):
        cs = nonempty(cells_of(ln))
        nums = [c for c in cs if NUM_RE.match(c)]
        labels = [c for c in cs if not NUM_RE.match(c)]
        row = []
        if kind != "top" and not seen_res:
            seen_res = True
            txt = RESULTS if RESULTS in labels else RESULTS  # restore if lost
            row.append((esc(txt), 1, nres))
        labels = [x for x in labels if x != RESULTS]
        if kind == "sub" and group not in seen_groups:
            seen_groups.add(group)
            gtxt = group
            for x in labels:
                if x.replace(" ", "") == group.replace(" ", ""):
                    gtxt = x
            row.append((esc(gtxt), 1, groups[group]))
        if kind == "sub":
            labels = [x for x in labels if x.replace(" ", "") != group.replace(" ", "")]
        # the row's own label: as in the seed, or an empty cell where the seed lost it
        own = labels[0] if labels else ""
        if own:
            assert own.replace(" ", "") == label.replace(" ", ""), (own, label)
        span = {"top": 3, "res": 2, "sub": 1}[kind]
        row.append((label_html(own), span))
        row.extend(value_cells(nums))
        t.row(*row)
    return t


def table4(lines):
    t = Table(15)
    r1, r2, r3, r4 = (nonempty(cells_of(x)) for x in lines)
    t.row((esc(r1[0]), 5), (esc(r1[1]), 10))
    t.row(*[(label_html(c), 1, 2) for c in r2[:5]], (label_html(r2[5]), 5), (label_html(r2[6]), 5))
    t.row(*[label_html(c) for c in r3])
    t.row(*[esc(c) for c in r4])
    return t


# ---------------- pre-2019 tables ----------------

def plain_table(lines, ncols, header_br=False, summary_row=False):
    t = Table(ncols)
    for i, ln in enumerate(lines):
        cs = cells_of(ln)
        if summary_row and len(nonempty(cs)) == 1 and len(cs) == 1:
            t.row((esc(cs[0]), ncols))
            continue
        cs = cs + [""] * (ncols - len(cs))
        assert len(cs) == ncols, (ln, ncols)
        if i == 0:
            t.row(*[label_html(c, br=header_br and "计量" in c) if c else "" for c in cs])
        else:
            t.row(*[esc(c) for c in cs])
    return t


# --------------------------------------------------------------------------------------
# Body builders
# --------------------------------------------------------------------------------------

def blocks_of(lines):
    """Group lines into ('p', line) and ('table', [lines])."""
    out = []
    for ln in lines:
        if "|" in ln:
            if out and out[-1][0] == "table":
                out[-1][1].append(ln)
            else:
                out.append(("table", [ln]))
        else:
            out.append(("p", ln))
    return out


def cms_paragraph(line, i):
    lead = "&nbsp;" if i % 5 == 3 else ""
    if is_heading(line):
        return '<p style="text-indent:2em;">%s<strong>%s</strong></p>' % (lead, esc(line))
    if i % 7 == 4:
        return '<p style="text-indent:2em;line-height:2em;"><span style="font-family:仿宋;font-size:16px;">%s%s</span></p>' % (lead, esc(line))
    return '<p style="text-indent:2em;">%s%s</p>' % (lead, esc(line))


SPLIT_RE = re.compile(r"(?<=[,。;、:])")
YEAR_RE = re.compile(r"((?<![\d.])\d{4})(?=年)")


def word_runs(line):
    """Split prose into <span> runs between words: after punctuation, and around years."""
    pieces = [p for p in SPLIT_RE.split(line) if p]
    runs = []
    for p in pieces:
        pos = 0
        for m in YEAR_RE.finditer(p):
            if m.start() > pos:
                runs.append(("zh", p[pos:m.start()]))
            runs.append(("en", m.group(1)))
            pos = m.end()
        if pos < len(p):
            runs.append(("zh", p[pos:]))
    # merge some neighbouring zh runs so that not every comma makes a span
    merged = []
    for k, (kind, s) in enumerate(runs):
        if merged and kind == "zh" and merged[-1][0] == "zh" and k % 3 != 0:
            merged[-1] = ("zh", merged[-1][1] + s)
        else:
            merged.append((kind, s))
    return merged


FONT_ZH = ('<span style="font-size:16.0pt;font-family:仿宋_GB2312;'
           'mso-hansi-font-family:&quot;Times New Roman&quot;">')
FONT_EN = '<span lang="EN-US" style="font-size:16.0pt;font-family:仿宋_GB2312">'


def word_paragraph(line, i):
    lead = ""
    if i % 4 == 1:
        lead = "\u3000\u3000"
    elif i % 4 == 3:
        lead = "&nbsp;&nbsp;"
    if is_heading(line):
        return ('<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0">%s<b>'
                '<span style="font-size:16.0pt;font-family:黑体;mso-hansi-font-family:&quot;Times New Roman&quot;">%s</span>'
                '</b><o:p></o:p></p>' % (lead, esc(line)))
    parts = []
    for kind, s in word_runs(line):
        parts.append((FONT_EN if kind == "en" else FONT_ZH) + esc(s) + "</span>")
    return ('<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;'
            'mso-line-height-rule:exactly">%s%s<o:p></o:p></p>' % (lead, "".join(parts)))


def national_body(lines, seed):
    out = []
    tcount = 0
    pi = 0
    for kind, x in blocks_of(lines):
        if kind == "p":
            out.append(cms_paragraph(x, pi))
            pi += 1
            continue
        tcount += 1
        era2019 = seed in (4, 6)
        if tcount == 1:
            t = table2(x, 4, spacer=era2019)
        elif tcount == 2:
            t = table3(x, T3_2019 if era2019 else T3_2021)
        else:
            t = table4(x)
        out.extend(render_table(t, word=False))
    assert tcount == 3, (seed, tcount)
    return out


def body_html(p, lines):
    seed = p["seed"]
    if seed == 15:
        return ['<p><img src="%s"></p>' % IMAGE_PATH]
    if seed in (1, 2, 3, 4, 6):
        return national_body(lines, seed)
    if seed == 0:
        return [cms_paragraph(x, i) for i, x in enumerate(lines)]
    out = ["<!--StartFragment-->"]
    pi = 0
    for kind, x in blocks_of(lines):
        if kind == "p":
            out.append(word_paragraph(x, pi))
            pi += 1
        else:
            if seed in (16, 17):
                t = plain_table(x, 3, header_br=True, summary_row=True)
            elif seed == 13:
                t = plain_table(x, 3)
            elif seed == 11:
                t = plain_table(x, 3)
            elif seed == 12:
                t = plain_table(x, 4)
            else:
                raise ValueError("unexpected table on seed page %d" % seed)
            out.extend(render_table(t, word=True, empty_variant=seed))
    out.append("<!--EndFragment-->")
    return out


# --------------------------------------------------------------------------------------
# Page chrome
# --------------------------------------------------------------------------------------

def meta_charset(decl):
    return {
        "meta-utf8": '<meta charset="utf-8">',
        "bom+meta-utf8": '<meta charset="utf-8">',
        "meta-http-equiv-gb2312": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        "meta-charset-gbk": '<meta charset="gbk">',
        "meta-charset-GB18030": '<meta charset="GB18030">',
    }[decl]


def top_chrome(breadcrumb):
    return [
        '<div class="top-bar"><div class="wrap">',
        '<span class="welcome">欢迎访问聊城市行政审批服务局网站</span>',
        '<a href="javascript:void(0);" id="wza" class="wza">无障碍阅读</a> '
        '<a href="javascript:void(0);" id="ghb" class="ghb">关怀版</a> '
        '<a href="/" class="back-home">返回首页</a>',
        '</div></div>',
        '<div class="header"><div class="wrap"><a href="/" class="logo">'
        '<img src="/static/images/logo.png" alt="聊城市行政审批服务局"></a></div></div>',
        '<div class="nav"><ul>',
        '<li><a href="/">首页</a></li>',
        '<li><a href="%s">政府信息公开</a></li>' % LANDING,
        '<li><a href="%s">政府信息公开年报</a></li>' % CHANNEL,
        '<li><a href="http://www.liaocheng.gov.cn/" target="_blank">中国聊城</a></li>',
        '</ul></div>',
        '<div class="breadcrumb wrap">当前位置:%s</div>' % breadcrumb,
    ]


def footer_chrome(footer):
    out = ['<div class="footer"><div class="wrap">']
    for ln in footer:
        out.append("<p>%s</p>" % esc(ln))
    out.append("<p>联系电话:0635-8900656</p>")
    out.append('<p><a href="http://www.liaocheng.gov.cn/" target="_blank">聊城市人民政府</a> '
               '<a href="http://www.sd.gov.cn/" target="_blank">山东省人民政府</a></p>')
    out.append("</div></div>")
    return out


def doc_page(p, lines, footer):
    bc = ('<a href="/">首页</a> &gt; <a href="%s">政府信息公开</a> &gt; '
          '<a href="%s">政府信息公开年报</a> &gt; 正文' % (LANDING, CHANNEL))
    if p["enc"] == "utf-8":
        html_tag = '<html lang="zh-CN">'
    else:  # pages whose body was pasted from Word keep Word's namespaces
        html_tag = ('<html xmlns:v="urn:schemas-microsoft-com:vml" '
                    'xmlns:o="urn:schemas-microsoft-com:office:office" '
                    'xmlns:w="urn:schemas-microsoft-com:office:word">')
    out = ["<!DOCTYPE html>", html_tag, "<head>", meta_charset(p["decl"]),
           '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
           '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
           "<title>%s</title>" % esc(p["title"]),
           '<meta name="ArticleTitle" content="%s">' % html.escape(p["title"]),
           '<meta name="PubDate" content="%s">' % p["date"],
           '<meta name="ContentSource" content="%s">' % p["org"],
           '<link rel="stylesheet" href="/static/css/common.css">',
           "</head>", "<body>"]
    out += top_chrome(bc)
    out += [
        '<div class="main wrap">',
        '<table class="xxgk-info" cellspacing="0" cellpadding="0">',
        '<tr><td class="t">索引号:</td><td class="c">%s/%s</td>'
        '<td class="t">发布机构:</td><td class="c">%s</td></tr>' % (CREDIT, p["index"], p["org"]),
        '<tr><td class="t">发布日期:</td><td class="c">%s</td>'
        '<td class="t">主题分类:</td><td class="c">政府信息公开年报</td></tr>' % p["date"],
        '<tr><td class="t">名称:</td><td class="c" colspan="3">%s</td></tr>' % esc(p["title"]),
        "</table>",
        '<div class="article">',
        "<h1>%s</h1>" % esc(p["title"]),
        '<div class="article-tools"><span>发布日期:%s</span> '
        '<span class="font">字号:<a href="javascript:doZoom(18);">大</a> '
        '<a href="javascript:doZoom(16);">中</a> <a href="javascript:doZoom(14);">小</a></span> '
        '<a href="javascript:window.print();">打印整页</a> '
        '<a href="javascript:printContent();">打印内容</a> '
        '<a href="javascript:void(0);" class="share">分享</a></div>' % p["date"],
        '<div class="article-content" id="zoom">',
    ]
    out += body_html(p, lines)
    out += [
        "</div>",
        '<div class="qrcode"><img src="/static/images/qrcode.png" alt=""><p>%s</p></div>' % CHROME_SCAN,
        "</div>",
        "</div>",
    ]
    out += footer_chrome(footer)
    out += ["</body>", "</html>", ""]
    return out


def list_page(docs, pageno, total_pages, footer):
    bc = '<a href="/">首页</a> &gt; <a href="%s">政府信息公开</a> &gt; 政府信息公开年报' % LANDING
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
           "<title>政府信息公开年报-聊城市行政审批服务局</title>",
           '<link rel="stylesheet" href="/static/css/common.css">',
           "</head>", "<body>"]
    out += top_chrome(bc)
    out += [
        '<div class="main wrap">',
        '<div class="left-menu"><h3>政府信息公开</h3><ul>',
        '<li><a href="%s">政府信息公开指南</a></li>' % LANDING,
        '<li class="on"><a href="%s">政府信息公开年报</a></li>' % CHANNEL,
        '<li><a href="http://www.liaocheng.gov.cn/zfxxgk/" target="_blank">市政府信息公开专栏</a></li>',
        '<li><a href="https://www.gov.cn/" target="_blank">中国政府网</a></li>',
        '</ul>',
        '<form action="/search" method="get"><input type="text" name="q" value=""> <button>搜索</button></form>',
        '<p><a href="/search?q=年报">搜索“年报”</a></p>',
        '</div>',
        '<div class="right-list"><div class="list-title">政府信息公开年报</div>',
        '<ul class="list">',
    ]
    for p in docs:
        t = p["title"]
        out.append('<li><a href="%s" title="%s" target="_blank">%s</a><span>%s</span></li>'
                   % (doc_path(p), html.escape(t), esc(t), p["date"][:10]))
    out.append("</ul>")
    first = CHANNEL
    last = CHANNEL if total_pages == 1 else "%s_%d" % (CHANNEL, total_pages)

    def url(n):
        return CHANNEL if n == 1 else "%s_%d" % (CHANNEL, n)

    pg = ['<div class="page">', '<a href="%s">首页</a>' % first]
    if pageno > 1:
        pg.append('<a href="%s">上一页</a>' % url(pageno - 1))
    else:
        pg.append('<a href="javascript:;" class="disabled">上一页</a>')
    for n in range(1, total_pages + 1):
        if n == pageno:
            pg.append('<span class="current">%d</span>' % n)
        else:
            pg.append('<a href="%s">%d</a>' % (url(n), n))
    if pageno < total_pages:
        pg.append('<a href="%s">下一页</a>' % url(pageno + 1))
    else:
        pg.append('<a href="javascript:;" class="disabled">下一页</a>')
    pg.append('<a href="%s">尾页</a>' % last)
    pg.append("<span>共%d页</span>" % total_pages)
    pg.append("</div>")
    out.append(" ".join(pg))
    out += ["</div>", "</div>"]
    out += footer_chrome(footer)
    out += ["</body>", "</html>", ""]
    return out


def landing_page(guide_lines, guide, footer):
    bc = '<a href="/">首页</a> &gt; 政府信息公开'
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           "<title>政府信息公开-聊城市行政审批服务局</title>",
           '<link rel="stylesheet" href="/static/css/common.css">',
           "</head>", "<body>"]
    out += top_chrome(bc)
    out += [
        '<div class="main wrap">',
        '<div class="left-menu"><h3>政府信息公开</h3><ul>',
        '<li class="on"><a href="%s">政府信息公开指南</a></li>' % LANDING,
        '<li><a href="%s">政府信息公开制度</a></li>' % LANDING,
        '<li><a href="%s">法定主动公开内容</a></li>' % LANDING,
        '<li><a href="%s">政府信息公开年报</a></li>' % CHANNEL,
        '<li><a href="http://www.liaocheng.gov.cn/zfxxgk/ztfl/ysqgk/" target="_blank">依申请公开</a></li>',
        '</ul>',
        '<p><a href="/search?q=指南">站内搜索</a></p>',
        '</div>',
        '<div class="right-content">',
        '<h2><a href="%s" title="%s">%s</a></h2>' % (doc_path(guide), html.escape(guide["title"]), esc(guide["title"])),
        '<div class="article-content" id="zoom">',
    ]
    out += [cms_paragraph(x, i) for i, x in enumerate(guide_lines)]
    out += ["</div>", '<p class="more"><a href="%s">查看政府信息公开年报 &gt;&gt;</a></p>' % CHANNEL,
            "</div>", "</div>"]
    out += footer_chrome(footer)
    out += ["</body>", "</html>", ""]
    return out


def home_page(footer):
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           "<title>聊城市行政审批服务局</title>",
           '<link rel="stylesheet" href="/static/css/common.css">',
           "</head>", "<body>"]
    out += top_chrome('<a href="/">首页</a>')
    out += [
        '<div class="main wrap">',
        '<div class="block"><h3>政务公开</h3><ul>',
        '<li><a href="%s">政府信息公开</a></li>' % LANDING,
        '<li><a href="%s">政府信息公开年报</a></li>' % CHANNEL,
        '</ul></div>',
        '<div class="block"><h3>相关链接</h3><ul>',
        '<li><a href="http://www.liaocheng.gov.cn/" target="_blank">聊城市人民政府</a></li>',
        '<li><a href="http://lc.sd.gov.cn/" target="_blank">山东政务服务网聊城站</a></li>',
        '<li><a href="https://www.gov.cn/" target="_blank">中国政府网</a></li>',
        '<li><a href="mailto:lcxzspjbgs@lc.shandong.cn">局长信箱</a></li>',
        '</ul></div>',
        '</div>',
    ]
    out += footer_chrome(footer)
    out += ["</body>", "</html>", ""]
    return out


ROBOTS = ("User-agent: *\n"
          "Disallow: /search\n"
          "Disallow: /admin/\n"
          "Disallow: %s/doc_private\n" % CHANNEL)


def tiny_png():
    """A valid 1x1 grey PNG, built byte by byte (deterministic)."""
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    idat = zlib.compress(b"\x00\xc0", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --------------------------------------------------------------------------------------
# Encoding and output
# --------------------------------------------------------------------------------------

def encode_page(lines, p):
    if p["enc"] == "utf-8":
        data = "\n".join(lines).encode("utf-8")
        if p["decl"].startswith("bom"):
            data = b"\xef\xbb\xbf" + data
        return data, "text/html; charset=utf-8"
    # Word-exported pages: CRLF, GBK/GB18030 bytes, charset only in <meta>
    text = "\r\n".join(lines)
    return text.encode(p["enc"], errors="strict"), "text/html"


def list_order():
    return sorted(PAGES, key=lambda p: p["date"], reverse=True)


def build(seed_path):
    """Return [(url_path, relfile, content_type, bytes)] in site.toml order."""
    with open(seed_path, encoding="utf-8") as f:
        seed_pages, footer = split_seed(f.read())
    files = []
    files.append(("/robots.txt", "robots.txt", "text/plain; charset=utf-8", ROBOTS.encode("utf-8")))
    files.append(("/", "pages/index.html", "text/html; charset=utf-8",
                  "\n".join(home_page(footer)).encode("utf-8")))
    guide = PAGES[0]
    files.append((LANDING, "pages%s.html" % LANDING, "text/html; charset=utf-8",
                  "\n".join(landing_page(seed_pages[0], guide, footer)).encode("utf-8")))
    ordered = list_order()
    per_page = 10
    npages = (len(ordered) + per_page - 1) // per_page
    for n in range(1, npages + 1):
        path = CHANNEL if n == 1 else "%s_%d" % (CHANNEL, n)
        docs = ordered[(n - 1) * per_page:n * per_page]
        files.append((path, "pages%s.html" % path, "text/html; charset=utf-8",
                      "\n".join(list_page(docs, n, npages, footer)).encode("utf-8")))
    for p in ordered:
        data, ctype = encode_page(doc_page(p, seed_pages[p["seed"]], footer), p)
        files.append((doc_path(p), doc_file(p), ctype, data))
    files.append((IMAGE_PATH, "resources" + IMAGE_PATH[len("/resources"):], "image/png", tiny_png()))
    return files, seed_pages, footer


def site_toml(files):
    out = ['host = "%s"' % HOST, ""]
    for path, rel, ctype, _ in files:
        out += ["[[page]]", 'path = "%s"' % path, 'file = "%s"' % rel,
                'content_type = "%s"' % ctype, "status = 200", ""]
    return "\n".join(out)


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_seed():
    return os.path.join(repo_root(), "..", "shared", "seed", "000_75c59c17b5b0da39.txt")


def write_all(seed_path, outdir):
    files, _, _ = build(seed_path)
    for _, rel, _, data in files:
        dest = os.path.join(outdir, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(data)
    with open(os.path.join(outdir, "site.toml"), "wb") as f:
        f.write(site_toml(files).encode("utf-8"))
    return files


def main(argv):
    seed = default_seed()
    out = os.path.join(repo_root(), "fixtures", "site")
    args = list(argv)
    if "--out" in args:
        i = args.index("--out")
        out = args[i + 1]
        del args[i:i + 2]
    if args:
        seed = args[0]
    files = write_all(seed, out)
    print("wrote %d files + site.toml to %s" % (len(files), out))


if __name__ == "__main__":
    main(sys.argv[1:])
