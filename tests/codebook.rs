//! The committed codebook is the one the vocabulary generates, and every
//! metric id a parser can emit is in it.

#[test]
fn committed_codebook_is_up_to_date() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CODEBOOK.md"))
            .expect("docs/CODEBOOK.md exists (run `cargo run -- codebook`)");
    let generated = xxgk::output::codebook::render();
    assert!(
        committed == generated,
        "docs/CODEBOOK.md is out of date: run `cargo run -- codebook` and commit it"
    );
}

#[test]
fn vocabulary_ids_are_unique_dotted_lowercase_with_labels() {
    let reg = xxgk::normalize::metrics::registry();
    assert!(!reg.metrics().is_empty());
    let re = regex::Regex::new(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)*$").unwrap();
    for m in reg.metrics() {
        assert!(re.is_match(&m.id), "bad id {}", m.id);
        assert!(!m.labels.is_empty(), "{} has no label", m.id);
        assert!(!m.definition.is_empty(), "{} has no definition", m.id);
        assert_eq!(reg.get(&m.id).map(|x| x.id.as_str()), Some(m.id.as_str()));
    }
}
