//! Dev helper: `DUMP=path cargo test --test national_dump -- --nocapture` prints what the parser reads.
#[test]
fn dump() {
    let Ok(p) = std::env::var("DUMP") else { return };
    let bytes = std::fs::read(&p).unwrap();
    let text = if std::env::var("GBK").is_ok() {
        encoding_rs::GBK.decode(&bytes).0.into_owned()
    } else {
        String::from_utf8(bytes)
            .unwrap()
            .trim_start_matches('\u{feff}')
            .to_string()
    };
    let page = xxgk::html::Page::parse(&text);
    let ex = xxgk::parse::national::parse(&page);
    println!("templates {:?}", ex.templates);
    for o in &ex.observations {
        println!(
            "{} {} {} {:?} {} [{}]",
            o.location, o.metric, o.value, o.qualifier, o.template, o.raw
        );
    }
    for w in &ex.warnings {
        println!("W {w}");
    }
    println!("{} observations", ex.observations.len());
}
