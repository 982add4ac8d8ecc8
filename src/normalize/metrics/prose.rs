//! Metric vocabulary: figures stated in sentences (any era).
//!
//! The cue words of prose metrics are data: `vocab/prose.toml`, loaded by
//! [`crate::vocab::prose`]; this file only turns them into registry entries
//! and the table of scopes for the codebook. A number in a sentence belongs to
//! a metric only when one of the metric's cue phrases (`[[cue]]`) stands right
//! before it in the same clause, with at most filler words (`fillers`: 累计,
//! 共计, 达...) and a qualifier (`at_least_prefix`, `approx_prefix`) in
//! between, and when one of the cue's unit words follows it (`条`, `件`, `篇`,
//! `次`...). Zero figures are read only from explicit phrases (`[[zero]]`,
//! `[zero_after]`, `[fees].zero_phrases`, `[fees].zero_phrases_in_context`).
//!
//! Metric choices (documented for the codebook):
//! - `主动公开(发布)信息 N 条` -> `proactive.items`; `发布信息(累计) N 条` ->
//!   `proactive.total_items` when the same sentence goes on with the parts
//!   (`其中主动公开…, 依申请公开…`), else `proactive.items` (published
//!   information, unqualified, is proactive disclosure).
//! - `依申请公开(的)信息 N 条/次` -> `on_request.items`: information released on
//!   request as the report counts it, NOT the number of applications (the
//!   bureau's 2017 report counts 3744 such items, 3742 of them from the
//!   service platform, while it received a handful of applications).
//! - `收到/受理(政府信息公开)申请 N 件/次` -> `applications.received`, with
//!   `网络/信函/当面/传真/电子邮件申请 N 件` as its children in the same sentence,
//!   and `办结答复 N 件` -> `applications.closed`.
//! - A channel word right before `发布信息` (`微信公众号发布信息509条`,
//!   `门户网站发布信息2002条`) gives the channel's *posted* metric
//!   (`wechat.posts`, `website.posts`, `[[channel]]`); right before `公开信息`
//!   (`政务微博公开信息120条`, the wording of the 2014 table's channel rows) it
//!   gives the *disclosed* metric of the 2014 table (`proactive.via_website`,
//!   `.via_weibo`, `.via_wechat`, `.via_gazette`, `.via_other`); a channel we
//!   do not track (`头条号`) gives nothing. Both wordings count items put on
//!   the channel: `website.posts` and `proactive.via_website` (and
//!   `wechat.posts` / `proactive.via_wechat`) are the same quantity under two
//!   ids kept apart because both ids are in the dataset contract.
//! - `公开(政府)信息 N 条` without `主动` is proactive (like `发布信息`), unless
//!   it answers applications (`不予/部分/同意公开信息`, `not_after`).
//! - `收取信息处理费 N 元` -> `fees.collected` (yuan; `万元` × 10000 exactly);
//!   the generic `收取费用 N 元` / `未收取任何费用` only in a sentence or under a
//!   heading about disclosure (`fee_context`): an agency may charge for
//!   other services.
//! - `收到/受理依申请公开(政府)信息 N 件` -> `applications.received`: a
//!   request received, as table 3 of the same reports counts it (`回复依申请
//!   公开信息 N 条` without the verb stays `on_request.items`).
//! - Scope (see `parse::prose`): a figure whose clause subject is a part
//!   (`part_words`: 县直各单位, 乡镇, 下属单位, 全市…) or that sits under a
//!   heading naming a part is not read; a total under a heading naming one
//!   channel (`[[heading_channel]]`, `[[channel]]`) is that channel's metric; a
//!   cumulative count up to a date (`cumulative`, `up_to`) is not read.
//! - Noun after the number (`[[noun_after]]`): `收到1条政府信息公开的申请`,
//!   `依申请公开共受理3件` -> `applications.received`; `未收到依申请公开政府信息
//!   的申请` -> 0, `未向公众收取任何费用` (in the fee context) -> `fees.collected`
//!   0; the modifier before the noun is made of listed words only, and a
//!   channel, a part or a review in it (`通过网站受理3条…申请`, `未收到涉及商业
//!   秘密的…申请`) gives nothing.
//! - A zero pointing back at its section (`[zero_back]`: `五、…行政复议、行政
//!   诉讼…的情况` / `无发生上述情况`) is a zero of each metric the heading
//!   names (or the words before it in its sentence).
//! - Not read: `日均访问量` (a daily average), `以图解、视频等形式解读…N件` (a
//!   subset by form), `上年结转N件` (carried over, not received),
//!   `无依申请公开事项` (vague), a number after two joined cues.

use super::{label, metric, Metric, Scope, Template};
use crate::vocab::prose;

/// The metrics read from prose, with their cue phrases as labels.
pub fn metrics() -> Vec<Metric> {
    let v = prose();
    let mut out: Vec<Metric> = Vec::new();
    let mut add = |id: &str, text: String| {
        if let Some(m) = out.iter_mut().find(|m| m.id == id) {
            m.labels.push(label(Template::Prose, text));
        } else {
            let def = v.metric(id);
            let mut m = metric(
                id,
                v.unit_of(id),
                def.map_or("", |d| d.definition),
                vec![label(Template::Prose, text)],
                def.and_then(|d| d.series),
            );
            m.scope = def.map_or(Scope::Agency, |d| d.scope);
            out.push(m);
        }
    };
    for c in v.cues {
        for p in c.phrases {
            add(c.metric, format!("{p} N {}", c.units.join("/")));
        }
    }
    for ch in v.channels {
        if let Some(m) = ch.posted {
            add(m, format!("{}{} N 条", ch.word, v.channel_posted_label));
        }
        if let Some(m) = ch.disclosed {
            add(m, format!("{}{} N 条", ch.word, v.channel_disclosed_label));
        }
    }
    for rule in v.zero_rules {
        for (t, m) in rule.targets {
            add(m, format!("{}{t} (= 0)", rule.negations[0]));
        }
    }
    for m in v.zero_after_metrics {
        if let Some(p) = v
            .cues
            .iter()
            .find(|c| c.metric == *m)
            .and_then(|c| c.phrases.first())
        {
            add(m, format!("{p}{} (= 0)", v.zero_after_word));
        }
    }
    for na in v.noun_after {
        let noun = na.nouns.first().copied().unwrap_or_default();
        for verb in na.verbs {
            add(
                na.metric,
                format!("{verb} N {} …{noun}", na.units.join("/")),
            );
        }
        for neg in na.negations {
            add(na.metric, format!("{neg}…{noun} (= 0)"));
        }
    }
    if let Some(p) = v.zero_back_phrases.first() {
        for (w, m) in v.zero_back_targets {
            add(m, format!("{p} under a heading naming {w} (= 0)"));
        }
    }
    for p in v
        .fee_zero_phrases
        .iter()
        .chain(v.fee_zero_phrases_in_context)
    {
        add(v.fee_metric, format!("{p} (= 0)"));
    }
    out
}

/// The scopes a prose figure can have, for the codebook (made from the word
/// lists of `vocab/prose.toml`, so it cannot drift from what the parser does).
pub fn scopes() -> String {
    let v = prose();
    let words = |ws: &mut dyn Iterator<Item = &str>| {
        ws.map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
    };
    let with_metric = |want: bool| {
        v.channels
            .iter()
            .chain(v.heading_channels)
            .filter(move |c| (c.posted.is_some() || c.disclosed.is_some()) == want)
            .map(|c| c.word)
    };
    format!(
        "A prose figure belongs to the concept and the scope of its clause and of the numbered headings above it. A heading (`一、` level 1, `(一)` level 2, `1.`/`1、` level 3, `(1)` level 4, `①` level 5; a title run into its paragraph such as `1.网站信息公开发布情况。…` counts) scopes the paragraphs beneath it until the next heading of the same or a higher level; a numbered paragraph without a title closes the deeper headings too. A heading without a number (a short line without sentence punctuation or figures before a body paragraph: a bold line, an `<h3>`, `【依申请公开】`) scopes the paragraphs beneath it as well, trusted less: a total beneath one naming a channel is not read, and it ends the part named by the unnumbered heading before it only when it names a part, a channel or the agency itself ({}), or has the same bracket.\n\n\
| scope | when | what is read |\n|---|---|---|\n\
| the agency | no heading or clause subject below narrows it | every figure, under its metric |\n\
| one channel | a heading names exactly one channel with a metric (channel words: {}) | a total (`proactive.items`, `proactive.total_items`) becomes that channel's metric: `…发布信息 N 条` its posts (`website.posts`, `wechat.posts`), `…公开信息 N 条` its disclosures (`proactive.via_website`, `.via_wechat`, `.via_weibo`, `.via_gazette`); other metrics are unchanged |\n\
| several channels, or a channel without a metric | a heading names several channels, or one without a metric ({}) | a total is not read (a warning names it); a channel named in the clause itself is still read as that channel |\n\
| a part | the clause's subject (its words before the cue, across brackets) or a heading names a part of the agency or a wider whole: {} ({} only in a department's report: in a government's report, whose title names {}, they are its own scope) | nothing is read (a warning names the figure and the part); a part is never the agency's total |\n\
| another period | `{}` in a clause of a sentence that counts up to a date ({}) without naming the year ({}); a period word earlier in the sentence ({}); a carried-over or average word in the clause ({}) | nothing is read |\n",
        words(&mut v.own_words.iter().copied()),
        words(&mut with_metric(true)),
        words(&mut with_metric(false)),
        words(&mut v.part_words.iter().copied()),
        words(&mut v.whole_jurisdiction.iter().copied()),
        words(&mut v.government_words.iter().copied()),
        v.cumulative,
        words(&mut v.up_to.iter().copied()),
        words(&mut v.this_year.iter().copied()),
        words(&mut v.not_the_year.iter().copied()),
        words(&mut v.not_a_count.iter().copied()),
    )
}
