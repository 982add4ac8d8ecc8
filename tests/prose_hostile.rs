//! Hostile prose: blocks of a megabyte without punctuation, runs of negation
//! words, thousands of zeros or parts in one clause, a digit run of thousands
//! of `,` groups, a section whose first sentence is huge. Each is read to the
//! end with the figures and warnings a short text of the same shape gives:
//! the parser stays linear in the block's length (a quadratic step would not
//! end in the time of a test run on these sizes).

mod common;

/// (metric value qualifier raw) of the prose figures of the paragraphs, and
/// the warnings.
fn read(blocks: &[&str]) -> (Vec<String>, Vec<String>) {
    let body: String = blocks.iter().map(|s| format!("<p>{s}</p>")).collect();
    common::prose_of(&body)
}

#[test]
fn a_megabyte_of_cue_words_without_punctuation_gives_nothing() {
    // cue phrases, fillers and qualifiers, never a number: about 1 MB
    let long = "主动公开政府信息累计共计约超过收到政府信息公开申请的".repeat(40_000);
    assert!(long.len() > 1_000_000);
    let (got, warn) = read(&[long.as_str()]);
    assert!(got.is_empty() && warn.is_empty(), "{got:?} {warn:?}");
    // the same block ending with a figure: the cue before it is read
    let long = format!("{long}主动公开政府信息12条");
    let (got, _) = read(&[long.as_str()]);
    assert_eq!(got, vec!["proactive.items 12 exact 主动公开政府信息12条"]);
}

#[test]
fn runs_of_negation_words_give_no_zero() {
    // negations that no target follows
    let long = "未未未未收到没有未发生无无".repeat(26_000);
    let (got, warn) = read(&[long.as_str()]);
    assert!(got.is_empty() && warn.is_empty(), "{got:?} {warn:?}");
}

#[test]
fn thousands_of_zeros_in_one_clause_are_each_read() {
    let n = 20_000;
    let long = "未收到政府信息公开申请".repeat(n);
    let (got, warn) = read(&[long.as_str()]);
    assert!(warn.is_empty(), "{warn:?}");
    assert_eq!(got.len(), n);
    assert!(got
        .iter()
        .all(|g| g == "applications.received 0 exact 未收到政府信息公开申请"));
    // a part named at the clause's start makes every zero of the clause a
    // part's: a warning each, no value
    let long = format!("县直各单位{long}");
    let (got, warn) = read(&[long.as_str()]);
    assert!(got.is_empty(), "{:?}", &got[..3]);
    assert_eq!(warn.len(), n);
    assert!(
        warn[n - 1].contains("is a zero of a part (县直各单位)"),
        "{}",
        warn[n - 1]
    );
    // a clause end between ends the part's reach
    let (got, warn) = read(&["县直各单位未收到政府信息公开申请，未收到政府信息公开申请。"]);
    assert_eq!(warn.len(), 1, "{warn:?}");
    assert_eq!(
        got,
        vec!["applications.received 0 exact 未收到政府信息公开申请"]
    );
}

#[test]
fn thousands_of_parts_in_one_block_need_their_parent_once() {
    // a parent, then many parts: each part needs the parent of its block
    let n = 10_000;
    let long = format!(
        "主动公开政府信息100条，{}。",
        "机构人事信息1条、政策法规信息2条、".repeat(n)
    );
    let (got, _) = read(&[long.as_str()]);
    assert_eq!(got.len(), 1 + 2 * n);
    assert_eq!(got[0], "proactive.items 100 exact 主动公开政府信息100条");
    assert_eq!(
        got[1],
        "proactive.items.org_personnel 1 exact 机构人事信息1条"
    );
    assert_eq!(
        got[2 * n],
        "proactive.items.policy_regulation 2 exact 政策法规信息2条"
    );
    // without the parent, none is read
    let long = "机构人事信息1条、政策法规信息2条、".repeat(n);
    let (got, _) = read(&[long.as_str()]);
    assert!(got.is_empty(), "{:?}", &got[..2]);
}

#[test]
fn a_digit_run_of_many_groups_is_read_once() {
    // 50,000 `,` groups: more digits than a decimal holds, then a unit
    let long = format!("主动公开政府信息1{}条。", ",234".repeat(50_000));
    let (got, warn) = read(&[long.as_str()]);
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(warn.len(), 1, "{warn:?}");
    assert!(warn[0].contains("too large"), "{warn:?}");
    // without a unit it is no figure at all, and neither is any of its groups
    let long = format!("主动公开政府信息1{}。", ",234".repeat(50_000));
    let (got, warn) = read(&[long.as_str()]);
    assert!(got.is_empty() && warn.is_empty(), "{got:?} {warn:?}");
    // the last group starts a number of its own (`234 567条`)
    let (got, _) = read(&["主动公开政府信息1,234,234 567条。"]);
    assert!(got.is_empty(), "{got:?}");
    let (got, _) = read(&["合计1,234,234,主动公开政府信息234条。"]);
    assert_eq!(got, vec!["proactive.items 234 exact 主动公开政府信息234条"]);
}

#[test]
fn zeros_pointing_back_at_a_huge_section_are_read() {
    // the section's first sentence is long; many zeros point back at it
    let section = format!("五、行政复议情况{}", "本机关依法办理".repeat(40_000));
    let n = 10_000;
    let zeros = "无此类情况。".repeat(n);
    let (got, warn) = read(&[section.as_str(), zeros.as_str()]);
    assert!(warn.is_empty(), "{warn:?}");
    assert_eq!(got.len(), n);
    assert!(got.iter().all(|g| g == "review.total 0 exact 无此类情况"));
}
