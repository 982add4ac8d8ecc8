//! The build in parallel and from the parse cache gives the bytes of a
//! serial build without cache; a rebuild after a crawl that added one page
//! parses one page; a damaged cache entry is parsed again, never trusted;
//! and a profile's own labels reach the build (`build --profile`), as part
//! of the cache key.

mod common;
use common::PROFILE;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xxgk::archive::{Archive, Kind, ManifestEntry};
use xxgk::pipeline::{self, BuildOptions, BuildStats};

fn xxgk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run xxgk")
}

fn ok(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "xxgk failed:\n{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Every file under a folder (report.html's charts/ included), by path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.file_name().is_some_and(|n| n == pipeline::stamp::FILE) {
                // the build stamp records how the files were made, not the dataset
            } else {
                let name = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn assert_same_files(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert!(fa.len() >= 6, "{}: only {:?}", a.display(), fa.keys());
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "{} and {} hold different files",
        a.display(),
        b.display()
    );
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// The `parsing:` line of a summary.
fn parsing_line(summary: &str) -> String {
    summary
        .lines()
        .find(|l| l.starts_with("parsing:"))
        .unwrap_or_else(|| panic!("no parsing line in\n{summary}"))
        .to_string()
}

fn build(archive: &Path, out: &Path, opts: &BuildOptions) -> BuildStats {
    pipeline::build(archive, out, opts, Default::default())
        .unwrap()
        .stats
}

fn opts(jobs: usize, no_cache: bool) -> BuildOptions {
    BuildOptions {
        jobs: Some(jobs),
        no_cache,
        ..Default::default()
    }
}

/// One parse cache entry: its pack file, where it starts and its length.
#[derive(Debug, Clone)]
struct Entry {
    pack: PathBuf,
    at: usize,
    len: usize,
}

/// The entries of the packs in the archive's cache (read here from the
/// documented format: `xxgk-parse-pack-1\n`, then records of `E`, a
/// little-endian u32 length, a 64-hex-digit key and the entry).
fn cache_entries(archive: &Path) -> Vec<Entry> {
    let mut v = Vec::new();
    for pack in cache_packs(archive) {
        let bytes = std::fs::read(&pack).unwrap();
        assert!(bytes.starts_with(b"xxgk-parse-pack-1\n"), "{pack:?}");
        let mut at = 18;
        while at < bytes.len() {
            assert_eq!(bytes[at], b'E', "{pack:?} at {at}");
            let len = u32::from_le_bytes(bytes[at + 1..at + 5].try_into().unwrap()) as usize;
            v.push(Entry {
                pack: pack.clone(),
                at: at + 69,
                len,
            });
            at += 69 + len;
        }
        assert_eq!(at, bytes.len(), "{pack:?}");
    }
    v
}

/// The pack files of the archive's cache, oldest first.
fn cache_packs(archive: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(archive.join("cache")) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pack"))
        .collect();
    v.sort();
    v
}

/// Changes the bytes of an entry in its pack with `f`.
fn damage(e: &Entry, f: impl FnOnce(&mut [u8])) {
    let mut bytes = std::fs::read(&e.pack).unwrap();
    f(&mut bytes[e.at..e.at + e.len]);
    std::fs::write(&e.pack, &bytes).unwrap();
}

#[test]
fn serial_parallel_and_cached_builds_give_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // the snapshot crawled and built serially without cache
    let run = ok(&xxgk(
        dir,
        &[
            "run",
            "--archive",
            "archive",
            "--out",
            "serial",
            "--jobs",
            "1",
            "--no-cache",
        ],
    ));
    assert!(
        !dir.join("archive/cache").exists(),
        "--no-cache wrote a cache"
    );
    let line = parsing_line(&run);
    assert!(
        line.contains("from the parse cache (--no-cache), 1 thread"),
        "{line}"
    );
    let archive = dir.join("archive");

    // in parallel, no cache: every document parsed
    let par = build(&archive, &dir.join("parallel"), &opts(4, true));
    assert!(par.parsed > 10, "{par:?}");
    assert_eq!((par.cached, par.threads), (0, 4));
    assert_same_files(&dir.join("serial"), &dir.join("parallel"));

    // a cold cache is filled (in parallel), a warm one serves every document
    let cold = build(&archive, &dir.join("cold"), &opts(3, false));
    assert_eq!((cold.parsed, cold.cached), (par.parsed, 0), "{cold:?}");
    assert_eq!(cache_entries(&archive).len(), par.parsed);
    let warm = build(&archive, &dir.join("warm"), &opts(1, false));
    assert_eq!((warm.parsed, warm.cached), (0, par.parsed), "{warm:?}");
    assert_same_files(&dir.join("serial"), &dir.join("cold"));
    assert_same_files(&dir.join("serial"), &dir.join("warm"));

    // the CLI reports the same counts
    let cli = ok(&xxgk(
        dir,
        &["build", "--archive", "archive", "--out", "cli"],
    ));
    let line = parsing_line(&cli);
    assert!(
        line.starts_with(&format!(
            "parsing: 0 parsed, {} from the parse cache",
            par.parsed
        )),
        "{line}"
    );
    assert_same_files(&dir.join("serial"), &dir.join("cli"));

    // one pack for a first build
    assert_eq!(cache_packs(&archive).len(), 1);
    // a damaged entry is parsed again (and rewritten), never trusted
    let entries = cache_entries(&archive);
    let victim = &entries[entries.len() / 2];
    damage(victim, |b| {
        let last = b.len() - 2;
        b[last] ^= 1;
    });
    damage(&entries[0], |b| b[0] = b'y');
    let healed = build(&archive, &dir.join("healed"), &opts(2, false));
    assert_eq!(
        (healed.parsed, healed.cached, healed.cache_bad),
        (2, par.parsed - 2, 2),
        "{healed:?}"
    );
    assert_same_files(&dir.join("serial"), &dir.join("healed"));
    // the two parsed again went to a second pack, which wins
    assert_eq!(cache_packs(&archive).len(), 2);
    assert_eq!(cache_entries(&archive).len(), par.parsed + 2);
    let again = build(&archive, &dir.join("again"), &opts(2, false));
    assert_eq!((again.parsed, again.cache_bad), (0, 0), "{again:?}");
    // ... and the CLI says so on stderr, naming the pack
    // (--force: the output in cli/ is up to date, which would read nothing)
    let newest = cache_entries(&archive).pop().unwrap();
    damage(&newest, |b| b.fill(b'x'));
    let o = xxgk(
        dir,
        &["build", "--archive", "archive", "--out", "cli", "--force"],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains("ignoring a parse cache entry")
            && err.contains(&*newest.pack.file_name().unwrap().to_string_lossy()),
        "{err}"
    );
    let line = parsing_line(&ok(&o));
    assert!(
        line.contains("cache entries not trusted (parsed again): 1"),
        "{line}"
    );
    // a build killed while writing its pack: the entries before the cut serve
    // (the first pack: its last entry is in no later pack)
    let packs = cache_packs(&archive);
    let last = &packs[0];
    let len = std::fs::metadata(last).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(last).unwrap();
    f.set_len(len - 3).unwrap();
    drop(f);
    let torn = build(&archive, &dir.join("torn"), &opts(2, false));
    assert_eq!(
        (torn.parsed, torn.cached, torn.cache_bad),
        (1, par.parsed - 1, 0),
        "{torn:?}"
    );
    assert_same_files(&dir.join("serial"), &dir.join("torn"));

    // a crawl that adds one page: the rebuild parses that page only
    add_2024_page(&archive);
    let one = build(&archive, &dir.join("one"), &opts(2, false));
    assert_eq!((one.parsed, one.cached), (1, par.parsed), "{one:?}");
    let obs = String::from_utf8(std::fs::read(dir.join("one/observations.csv")).unwrap()).unwrap();
    assert!(
        obs.contains("http://zwzx.liaocheng.gov.cn/new/2024.html"),
        "the new page's figure is missing"
    );
}

/// A 2008-style report whose last row reads 行政申请数 (the agency's word
/// for 行政申诉数), and whose sentence cues 办理市人大议案, which only its
/// profile knows.
const REPORT: &str = "<html><head><meta charset=\"utf-8\"><title>某局2008年政府信息公开工作年度报告</title></head><body>\
     <div class=TRS_Editor><p>一、概述</p><p>本报告中所列数据的统计期限自2008年1月1日起至2008年12月31日止。</p>\
     <p>2008年，我局办理市人大议案共12件。</p>\
     <table><tr><td>指标名称</td><td>计量单位</td><td>年末统计</td></tr>\
     <tr><td>主动公开信息数</td><td>条</td><td>161</td></tr>\
     <tr><td>行政复议数</td><td>件</td><td>0</td></tr>\
     <tr><td>行政申请数</td><td>件</td><td>2</td></tr></table></div></body></html>";

fn agency_archive(dir: &Path, agency: &str) {
    let a = Archive::create_or_open(dir).unwrap();
    let sha = a.put(REPORT.as_bytes()).unwrap();
    a.append(&ManifestEntry {
        status: Some(200),
        content_type: Some("text/html".into()),
        fetched_at: "2024-01-19T10:32:00Z".into(),
        sha256: Some(sha),
        bytes: Some(REPORT.len() as u64),
        agency_id: Some(agency.into()),
        attempts: 1,
        ..ManifestEntry::new(
            "http://www.example.gov.cn/xxgk/ndbg/200903/t20090301_1.html",
            Kind::Document,
        )
    })
    .unwrap();
}

fn read(p: PathBuf) -> String {
    String::from_utf8(std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn build_reads_a_row_label_only_the_profile_knows() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    agency_archive(&dir.join("archive"), "some-bureau");
    std::fs::write(
        dir.join("some-bureau.toml"),
        format!(
            "{PROFILE}\n[labels.indicator]\n\"appeals.total\" = [\"行政申请数\"]\n\
             [labels.prose]\n\"npc_suggestions\" = [\"办理市人大议案\"]\n"
        ),
    )
    .unwrap();

    // without the profile (this fills the cache): a warning, no figure
    ok(&xxgk(
        dir,
        &["build", "--archive", "archive", "--out", "plain"],
    ));
    let obs = read(dir.join("plain/observations.csv"));
    assert!(obs.contains("review.total"), "{obs}");
    assert!(!obs.contains("appeals.total"), "{obs}");
    assert!(!obs.contains("npc_suggestions"), "{obs}");
    assert!(
        read(dir.join("plain/reports.csv")).contains("unknown indicator row label '行政申请数'")
    );

    // with it: the figure, no warning, although the bytes are in the cache
    let with = ok(&xxgk(
        dir,
        &[
            "build",
            "--archive",
            "archive",
            "--out",
            "labelled",
            "--profile",
            "some-bureau.toml",
        ],
    ));
    assert!(
        parsing_line(&with).starts_with("parsing: 1 parsed, 0 from"),
        "{with}"
    );
    let obs = read(dir.join("labelled/observations.csv"));
    let row = obs
        .lines()
        .find(|l| l.contains("appeals.total"))
        .unwrap_or_else(|| panic!("no appeals.total in\n{obs}"));
    assert!(row.contains(",2,") && row.contains("t1 r4 c3"), "{row}");
    assert!(
        obs.lines()
            .any(|l| l.contains("npc_suggestions") && l.contains("办理市人大议案共12件")),
        "the profile's prose cue was not read:\n{obs}"
    );
    assert!(!read(dir.join("labelled/reports.csv")).contains("行政申请数"));

    // a second build with the profile takes it from the cache
    let again = ok(&xxgk(
        dir,
        &[
            "build",
            "--archive",
            "archive",
            "--out",
            "again",
            "--profile",
            "some-bureau.toml",
        ],
    ));
    assert!(
        parsing_line(&again).starts_with("parsing: 0 parsed, 1 from"),
        "{again}"
    );
    assert_same_files(&dir.join("labelled"), &dir.join("again"));

    // the profile of another agency is refused, naming both
    agency_archive(&dir.join("other"), "another-bureau");
    let o = xxgk(
        dir,
        &[
            "build",
            "--archive",
            "other",
            "--out",
            "x",
            "--profile",
            "some-bureau.toml",
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("some-bureau") && err.contains("another-bureau"),
        "{err}"
    );
    assert!(!dir.join("x").exists());
}

#[test]
fn run_reads_the_tables_with_its_profiles_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let snap = dir.join("snap");
    std::fs::create_dir_all(snap.join("xxgk/ndbg/200903")).unwrap();
    std::fs::write(snap.join("robots.txt"), "User-agent: *\nAllow: /\n").unwrap();
    std::fs::write(
        snap.join("xxgk/ndbg/index.html"),
        "<html><head><meta charset=\"utf-8\"><title>年度报告</title></head><body><ul>\
         <li><a href=\"/xxgk/ndbg/200903/t20090301_1.html\">某局2008年政府信息公开工作年度报告</a></li>\
         </ul></body></html>",
    )
    .unwrap();
    std::fs::write(snap.join("xxgk/ndbg/200903/t20090301_1.html"), REPORT).unwrap();
    let page = |path: &str, file: &str| {
        format!(
            "[[page]]\npath = \"{path}\"\nfile = \"{file}\"\n\
             content_type = \"text/html; charset=utf-8\"\nstatus = 200\n"
        )
    };
    std::fs::write(
        snap.join("site.toml"),
        format!(
            "host = \"www.example.gov.cn\"\n{}{}{}",
            page("/robots.txt", "robots.txt").replace("text/html", "text/plain"),
            page("/xxgk/ndbg/index.html", "xxgk/ndbg/index.html"),
            page(
                "/xxgk/ndbg/200903/t20090301_1.html",
                "xxgk/ndbg/200903/t20090301_1.html"
            ),
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("some-bureau.toml"),
        format!("{PROFILE}\n[labels.indicator]\n\"appeals.total\" = [\"行政申请数\"]\n"),
    )
    .unwrap();
    ok(&xxgk(
        dir,
        &[
            "run",
            "--snapshot",
            "snap",
            "--profile",
            "some-bureau.toml",
            "--archive",
            "archive",
            "--out",
            "data",
        ],
    ));
    let obs = read(dir.join("data/observations.csv"));
    assert!(
        obs.lines()
            .any(|l| l.contains("appeals.total") && l.contains("t1 r4 c3")),
        "{obs}"
    );
}

/// Adds `copies` copies of every document of the archive (distinct bytes
/// and URLs, the same years: several reports per year), a failed fetch
/// with no year and one of a year long before the others.
fn add_copies(archive: &Path, copies: usize) {
    let a = Archive::open_writer(archive).unwrap();
    let docs: Vec<ManifestEntry> = a
        .latest()
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == Kind::Document && e.is_success())
        .collect();
    for c in 1..=copies {
        for e in &docs {
            let mut bytes = a.read(e.sha256.as_deref().unwrap()).unwrap();
            bytes.extend_from_slice(format!("<!-- copy {c} -->").as_bytes());
            let sha = a.put(&bytes).unwrap();
            let url = e.url.replacen(
                "liaocheng.gov.cn/",
                &format!("liaocheng.gov.cn/copy{c}/"),
                1,
            );
            a.append(&ManifestEntry {
                url: url.clone(),
                final_url: url,
                sha256: Some(sha),
                bytes: Some(bytes.len() as u64),
                ..e.clone()
            })
            .unwrap();
        }
    }
    for (url, year) in [("nothing.html", None), ("old.html", Some(2001))] {
        a.append(&ManifestEntry {
            status: Some(500),
            fetched_at: "2025-01-19T10:32:00Z".into(),
            error: Some("HTTP 500".into()),
            year,
            report: Some(true),
            agency_id: Some("liaocheng-xzsp".into()),
            attempts: 3,
            ..ManifestEntry::new(
                &format!("http://zwzx.liaocheng.gov.cn/failed/{url}"),
                Kind::Document,
            )
        })
        .unwrap();
    }
}

/// The streaming build (rows spilled, the dataset assembled and written a
/// year at a time) writes the bytes that the dataset built in memory and
/// written at once gives, with several documents a year, a year range,
/// failed fetches, and every writer; and a failed fetch outside `--years`
/// still fails the build.
#[test]
fn streaming_build_gives_the_bytes_of_the_dataset_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(&xxgk(
        dir,
        &[
            "run",
            "--archive",
            "archive",
            "--out",
            "first",
            "--no-cache",
        ],
    ));
    let archive = dir.join("archive");
    add_copies(&archive, 3);
    for (name, years, jobs) in [
        ("all", None, 2),
        ("range", Some(2016..=2021), 1),
        ("late", Some(2020..=2030), 2),
    ] {
        let opts = BuildOptions {
            years: years.clone(),
            jobs: Some(jobs),
            no_cache: jobs == 1,
            ..Default::default()
        };
        let writers = xxgk::output::Options {
            bom: name == "range",
            ..Default::default()
        };
        let streamed = dir.join(format!("{name}-streamed"));
        let built = pipeline::build(&archive, &streamed, &opts, writers).unwrap();
        let held = dir.join(format!("{name}-held"));
        let (ds, _) = pipeline::build_dataset_stats(&archive, &opts).unwrap();
        xxgk::output::write_all(&ds, &held, writers).unwrap();
        assert_same_files(&held, &streamed);
        if years.is_none() {
            // the checks run a year at a time (the cross-year ones with what
            // they need of the year before) are those run over all the rows
            let mut whole = xxgk::normalize::checks::run(&ds.agency, &ds.observations);
            whole.sort_by(|a, b| (a.year, &a.check).cmp(&(b.year, &b.check)));
            let per_year: Vec<_> = ds
                .checks
                .iter()
                .filter(|c| !c.check.starts_with("series."))
                .cloned()
                .collect();
            assert!(whole.iter().any(|c| c.check.starts_with("cross_year.")));
            assert_eq!(whole.len(), per_year.len());
            assert!(whole == per_year, "the checks differ");
        }
        // the summary gathered while streaming is that of the whole dataset
        let whole = pipeline::Summary::of(&ds);
        assert_eq!(
            built.summary.text(&streamed, &built.files),
            whole.text(&streamed, &built.files),
            "{name}"
        );
        let reports = read(streamed.join("reports.csv"));
        assert_eq!(
            reports.lines().count() - 1,
            ds.reports.len(),
            "{name}: one row per document kept"
        );
        assert!(ds.reports.len() > 20, "{name}: {}", ds.reports.len());
        // both failed fetches fail the build, also the one --years leaves out
        let msg = built.summary.failures().expect("failures");
        assert!(msg.starts_with("2 of "), "{msg}");
        assert!(msg.contains("failed/nothing.html"), "{msg}");
        assert!(msg.contains("failed/old.html"), "{msg}");
        if years.is_some() {
            assert!(
                msg.contains("year 2001 is outside --years"),
                "{name}: {msg}"
            );
            assert!(!reports.contains("failed/old.html"), "{name}");
        } else {
            assert!(reports.contains("failed/old.html"));
        }
    }
    // the CLI exits non-zero for a failure outside --years
    let o = xxgk(
        dir,
        &[
            "build",
            "--archive",
            "archive",
            "--out",
            "cli",
            "--years",
            "2019-2023",
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("failed/old.html") && err.contains("outside --years"),
        "{err}"
    );
}

/// A file's inode and modification time: unchanged when it was not rewritten.
fn identity(p: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p).unwrap();
    (m.ino(), m.modified().unwrap())
}

/// A second build with nothing new is up to date (nothing rewritten, the
/// same summary and exit status), and every change of an input or an
/// output makes it build again, to the bytes of a fresh build.
#[test]
fn a_rebuild_with_nothing_new_is_up_to_date_and_any_change_rebuilds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(&xxgk(
        dir,
        &["run", "--archive", "archive", "--out", "first"],
    ));
    std::fs::write(
        dir.join("labels.toml"),
        std::fs::read_to_string(xxgk_profile()).unwrap()
            + "\n[labels.indicator]\n\"appeals.total\" = [\"行政申请件数\"]\n",
    )
    .unwrap();
    let fresh = std::cell::Cell::new(0);
    // builds into out/ with `args`: whether it was up to date; a build must
    // give the bytes of a forced build of the same arguments into a new folder
    let build = |args: &[&str]| -> bool {
        let mut all = vec!["build", "--archive", "archive", "--out", "out"];
        all.extend_from_slice(args);
        let o = xxgk(dir, &all);
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let up = parsing_line(&text).contains("nothing to do");
        fresh.set(fresh.get() + 1);
        let name = format!("fresh{}", fresh.get());
        let mut forced = vec!["build", "--archive", "archive", "--out", &name, "--force"];
        forced.extend_from_slice(args);
        let f = xxgk(dir, &forced);
        assert_eq!(o.status.code(), f.status.code(), "{all:?}");
        // the summary of an up-to-date build is the one the build printed
        let strip = |s: &str| -> String {
            s.lines()
                .filter(|l| !l.starts_with("parsing:") && !l.starts_with("wrote "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            strip(&text),
            strip(&String::from_utf8_lossy(&f.stdout)),
            "{all:?}"
        );
        assert_same_files(&dir.join(&name), &dir.join("out"));
        std::fs::remove_dir_all(dir.join(&name)).unwrap();
        up
    };
    assert!(!build(&[]), "the first build builds");
    assert!(dir.join("out").join(pipeline::stamp::FILE).exists());
    let obs = dir.join("out/observations.csv");
    let before = identity(&obs);
    assert!(build(&[]), "nothing new: up to date");
    assert_eq!(identity(&obs), before, "an up-to-date build rewrote a file");

    // an output edited (same size) or deleted
    let mut bytes = std::fs::read(&obs).unwrap();
    let i = bytes.len() - 3;
    bytes[i] = if bytes[i] == b'1' { b'2' } else { b'1' };
    std::fs::write(&obs, &bytes).unwrap();
    assert!(!build(&[]), "an edited output");
    std::fs::remove_file(dir.join("out/charts/proactive_items.svg")).unwrap();
    assert!(!build(&[]), "a deleted chart");
    assert!(build(&[]));

    // options
    assert!(!build(&["--years", "2019-2023"]));
    assert!(build(&["--years", "2019-2023"]));
    assert!(!build(&["--years", "2018-2023"]));
    assert!(!build(&[]));
    assert!(!build(&["--bom"]));
    assert!(!build(&[]));
    // a format left out: its files of the last build are removed, not left stale
    assert!(!build(&["--format", "csv"]));
    assert!(!dir.join("out/report.html").exists(), "a stale report.html");
    assert!(
        !dir.join("out/dataset.json").exists(),
        "a stale dataset.json"
    );
    assert!(build(&["--format", "csv"]));
    assert!(!build(&[]));
    assert!(dir.join("out/report.html").exists());
    // --no-cache and --force always build
    assert!(!build(&["--no-cache"]));
    let o = xxgk(
        dir,
        &["build", "--archive", "archive", "--out", "out", "--force"],
    );
    assert!(!parsing_line(&ok(&o)).contains("nothing to do"));
    assert!(build(&[]));

    // the profile's labels
    assert!(!build(&["--profile", "labels.toml"]));
    assert!(build(&["--profile", "labels.toml"]));
    let labels = std::fs::read_to_string(dir.join("labels.toml")).unwrap();
    std::fs::write(
        dir.join("labels.toml"),
        labels.replace("行政申请件数", "行政申请次数"),
    )
    .unwrap();
    assert!(!build(&["--profile", "labels.toml"]), "a changed label");
    assert!(!build(&[]));

    // a new page in the archive
    add_2024_page(&dir.join("archive"));
    assert!(!build(&[]), "a new page");
    assert!(read(dir.join("out/observations.csv")).contains("new/2024.html"));
    assert!(build(&[]));

    // a build that cannot move its files into place fails, changes no file
    // and leaves no stamp: the next build builds
    let page = dir.join("out/report.html");
    std::fs::remove_file(&page).unwrap();
    std::fs::create_dir(&page).unwrap();
    let before = identity(&obs);
    let o = xxgk(dir, &["build", "--archive", "archive", "--out", "out"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("in the way"));
    assert_eq!(identity(&obs), before);
    assert!(!dir.join("out").join(pipeline::stamp::FILE).exists());
    std::fs::remove_dir(&page).unwrap();
    assert!(!build(&[]), "after a failed build");
    assert!(build(&[]));
}

fn xxgk_profile() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles/liaocheng-xzsp.toml")
}

/// `build --prune-cache` removes the entries no build of this version and
/// these labels uses (and temporary files), keeps the others and files
/// that are not entries, and refuses while another process uses the archive.
#[test]
fn prune_cache_removes_only_entries_this_build_does_not_use() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(&xxgk(dir, &["run", "--archive", "archive", "--out", "out"]));
    let archive = dir.join("archive");
    let entries = cache_entries(&archive);
    assert!(entries.len() > 10, "{entries:?}");
    // an entry of format 2 (one file per entry), one of format 1, a
    // temporary file of a killed build, and files that are not entries
    let old = archive.join(format!("cache/ab/{}.json", "ab".repeat(32)));
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(&old, b"xxgk-parse-cache-1 0\n{}").unwrap();
    let torn = archive.join(format!("cache/ab/.{}.123.0.tmp", "cd".repeat(32)));
    std::fs::write(&torn, b"xxgk-parse").unwrap();
    let notes = archive.join("cache/ab/notes.txt");
    std::fs::write(&notes, b"mine").unwrap();
    std::fs::write(archive.join("cache/README"), b"mine").unwrap();
    let pack = cache_packs(&archive).pop().unwrap();
    // while the archive is in use, nothing is pruned
    {
        let _reader = Archive::open(&archive).unwrap();
        let err = pipeline::prune_cache(&archive, &BuildOptions::default()).unwrap_err();
        assert!(format!("{err:#}").contains("in use"), "{err:#}");
        assert!(old.exists() && torn.exists());
    }
    let out = ok(&xxgk(
        dir,
        &[
            "build",
            "--archive",
            "archive",
            "--out",
            "out",
            "--prune-cache",
        ],
    ));
    let line = out
        .lines()
        .find(|l| l.starts_with("cache: pruned"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.starts_with("cache: pruned 2 files")
            && line.ends_with(&format!("kept {} entries", entries.len())),
        "{line}"
    );
    assert!(!old.exists() && !torn.exists());
    assert!(notes.exists() && archive.join("cache/README").exists());
    // its one pack holds only entries of this build: left as it was
    assert_eq!(cache_packs(&archive), vec![pack]);
    assert_eq!(cache_entries(&archive).len(), entries.len());
    // every entry of this build is still served
    let again = build(&archive, &dir.join("again"), &opts(2, false));
    assert_eq!(
        (again.parsed, again.cached),
        (0, entries.len()),
        "{again:?}"
    );
    assert_same_files(&dir.join("out"), &dir.join("again"));
}

/// Archives a new page (a 2024 report), as a crawl that found one would.
fn add_2024_page(archive: &Path) {
    let a = Archive::open_writer(archive).unwrap();
    let html = "<html><head><meta charset=\"utf-8\"><title>聊城市行政审批服务局2024年政府信息公开工作年度报告</title></head>\
                <body><div id=zoom><p>本年度主动公开政府信息1234条。</p></div></body></html>";
    let sha = a.put(html.as_bytes()).unwrap();
    a.append(&ManifestEntry {
        status: Some(200),
        content_type: Some("text/html; charset=utf-8".into()),
        fetched_at: "2025-01-19T10:32:00Z".into(),
        sha256: Some(sha),
        bytes: Some(html.len() as u64),
        title: Some("聊城市行政审批服务局2024年政府信息公开工作年度报告".into()),
        agency_id: Some("liaocheng-xzsp".into()),
        attempts: 1,
        ..ManifestEntry::new("http://zwzx.liaocheng.gov.cn/new/2024.html", Kind::Document)
    })
    .unwrap();
}

/// Two builds of one archive at once (each holds the archive's shared
/// lock) write a pack each (when both parse), never the same file; a third build reads
/// both, and `--prune-cache` merges them into one.
#[test]
fn concurrent_builds_write_their_own_packs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(&xxgk(
        dir,
        &[
            "run",
            "--archive",
            "archive",
            "--out",
            "serial",
            "--no-cache",
        ],
    ));
    let archive = dir.join("archive");
    let stats: Vec<BuildStats> = std::thread::scope(|s| {
        let a = s.spawn(|| build(&archive, &dir.join("a"), &opts(1, false)));
        let b = s.spawn(|| build(&archive, &dir.join("b"), &opts(1, false)));
        vec![a.join().unwrap(), b.join().unwrap()]
    });
    let docs = stats[0].parsed + stats[0].cached;
    assert!(docs > 10, "{stats:?}");
    assert_same_files(&dir.join("serial"), &dir.join("a"));
    assert_same_files(&dir.join("serial"), &dir.join("b"));
    // each parsed what it did not find; together they hold every parse
    let parsed = stats[0].parsed + stats[1].parsed;
    assert!(parsed >= docs, "{stats:?}");
    // (one pack if a build ran through before the other read the cache)
    let packs = cache_packs(&archive);
    let made = stats.iter().filter(|s| s.parsed > 0).count();
    assert_eq!(packs.len(), made, "{packs:?} {stats:?}");
    assert_eq!(cache_entries(&archive).len(), parsed);
    let c = build(&archive, &dir.join("c"), &opts(2, false));
    assert_eq!((c.parsed, c.cached, c.cache_bad), (0, docs, 0), "{c:?}");
    assert_same_files(&dir.join("serial"), &dir.join("c"));
    // prune merges the two packs into one with each entry once
    let p = pipeline::prune_cache(&archive, &BuildOptions::default()).unwrap();
    let removed = if made == 2 { 2 } else { 0 };
    assert_eq!((p.removed, p.kept), (removed, docs), "{p:?}");
    assert_eq!(cache_packs(&archive).len(), 1);
    assert_eq!(cache_entries(&archive).len(), docs);
    let d = build(&archive, &dir.join("d"), &opts(2, false));
    assert_eq!((d.parsed, d.cached), (0, docs), "{d:?}");
    assert_same_files(&dir.join("serial"), &dir.join("d"));
}
