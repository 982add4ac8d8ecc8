//! An agency's own prose cue phrases: a profile's `[labels.prose]` table
//! (metric id -> phrases) lets the prose parser read a figure whose cue the
//! built-in vocabulary (`vocab/prose.toml`) does not know, with no recompile;
//! the phrase takes the units and the condition of the metric's cue. A phrase
//! that is a cue already, or a metric without a cue, is refused when the
//! profile loads, naming the profile.

use xxgk::crawl::profile::Profile;
use xxgk::html::Page;
use xxgk::parse::prose;
use xxgk::vocab::prose as prose_vocab;

mod common;

use common::PROFILE;

fn report() -> Page {
    Page::parse(
        "<html><head><title>某局2016年政府信息公开工作年度报告</title></head><body>\
         <div class=TRS_Editor><p>一、概述</p>\
         <p>2016年，我局办理市人大议案共12件，受理政府信息公开申请3件。</p>\
         <p>全年日均办理市人大议案2件。</p></div></body></html>",
    )
}

fn figures(ex: &xxgk::parse::Extract) -> Vec<String> {
    ex.observations
        .iter()
        .map(|o| format!("{} {} {}", o.metric, o.value, o.raw))
        .collect()
}

fn load(table: &str) -> Result<Profile, String> {
    Profile::from_toml(&format!("{PROFILE}\n{table}\n"), "some-bureau.toml")
        .map_err(|e| format!("{e:#}"))
}

#[test]
fn a_cue_added_in_the_profile_is_read() {
    let page = report();
    assert_eq!(
        figures(&prose::parse(&page)),
        ["applications.received 3 受理政府信息公开申请3件"]
    );
    let profile = load("[labels.prose]\n\"npc_suggestions\" = [\"办理市人大议案\"]").unwrap();
    let vocab = prose_vocab()
        .with_labels(&profile.labels["prose"], "some-bureau.toml")
        .unwrap();
    // the new phrase is read like the metric's own cues: a filler (共) may
    // stand before the number, the cue's unit words follow it, and a daily
    // average (日均) is not read
    assert_eq!(
        figures(&prose::parse_with(&page, &vocab)),
        [
            "npc_suggestions 12 办理市人大议案共12件",
            "applications.received 3 受理政府信息公开申请3件"
        ]
    );
}

#[test]
fn a_profile_cue_that_clashes_or_names_no_cue_is_refused() {
    let e = load("[labels.prose]\n\"npc_suggestions\" = [\"政协提案\"]").unwrap_err();
    assert!(
        e.contains("some-bureau.toml") && e.contains("'政协提案' is a cue phrase already"),
        "{e}"
    );
    let e = load("[labels.prose]\n\"npc_suggestion\" = [\"办理市人大议案\"]").unwrap_err();
    assert!(
        e.contains("unknown prose metric id 'npc_suggestion'"),
        "{e}"
    );
    // a metric of the tables with no prose cue
    let e = load("[labels.prose]\n\"appeals.total\" = [\"行政申诉\"]").unwrap_err();
    assert!(e.contains("unknown prose metric id 'appeals.total'"), "{e}");
    // table labels and cue phrases side by side
    assert!(load(
        "[labels.prose]\n\"npc_suggestions\" = [\"办理市人大议案\"]\n\
         [labels.indicator]\n\"appeals.total\" = [\"行政申请数\"]"
    )
    .is_ok());
}
