//! Hostile and broken input in one generated repository: every bad file gets a diagnostic
//! naming it (and its line where known), every good file is still scanned and its findings
//! still reported, nothing panics or hangs, and the exit status is 2.

use crate::util::{run, techpolicy, TempRepo, EXAMPLE_POLICY};
use serde_json::Value;
use std::collections::BTreeMap;

/// A package-lock.json of `entries` packages written on one line, as some generators write
/// it, with `mongoose` among them: about 80 bytes an entry, so 600,000 make a 50 MB file.
/// Every span of it is on line 1, so a column counted from the line's start makes a scan of
/// it quadratic.
pub fn one_line_lock(entries: usize) -> String {
    let mut lock = String::with_capacity(entries * 90);
    lock.push_str(
        "{\"name\":\"big\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,\
         \"packages\":{\"\":{\"name\":\"big\",\"version\":\"1.0.0\",\
         \"dependencies\":{\"p0\":\"^1.0.0\",\"mongoose\":\"^8.0.0\"}}",
    );
    for i in 0..entries {
        lock.push_str(&format!(
            ",\"node_modules/p{i}\":{{\"version\":\"1.{}.{}\",\
             \"resolved\":\"https://registry.example/p{i}.tgz\"}}",
            i % 50,
            i % 7
        ));
    }
    lock.push_str(
        ",\"node_modules/mongoose\":{\"version\":\"8.0.3\",\
         \"resolved\":\"https://registry.example/mongoose-8.0.3.tgz\"}}}",
    );
    lock
}

fn bad_repository() -> TempRepo {
    let long_description = "x".repeat(10 * 1024 * 1024);
    let one_line_lock = one_line_lock(600_000);
    let deep_json = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let repo = TempRepo::new(&[
        ("techpolicy.toml", EXAMPLE_POLICY),
        // Good files, some in odd but valid encodings: their findings must be reported.
        ("good/package.json", "{\"dependencies\": {\"mongoose\": \"^8.0.0\"}}"),
        ("bom/package.json", "\u{feff}{\n  \"dependencies\": {\"mongodb\": \"6.0.0\"}\n}\n"),
        ("crlf/Cargo.toml", "[package]\r\nname = \"x\"\r\n\r\n[dependencies]\r\nmongodb = \"2\"\r\n"),
        (
            "longline/package.json",
            &format!("{{\"description\": \"{long_description}\", \"dependencies\": {{\"mongoose\": \"8\"}}}}"),
        ),
        ("continuations/Dockerfile", &"\\\n".repeat(10_000)),
        // 50 MB on one line: read in linear time, its findings at line 1 with their columns.
        (
            "oneline/package.json",
            "{\"name\":\"big\",\"dependencies\":{\"p0\":\"^1.0.0\",\"mongoose\":\"^8.0.0\"}}",
        ),
        ("oneline/package-lock.json", &one_line_lock),
        // Broken files: each must be named in a diagnostic.
        ("truncated/package.json", "{\n  \"dependencies\": {\n    \"mongoose\": \"^8"),
        ("malformed/Cargo.toml", "[package]\nname = \"x\"\n[dependencies\nserde = \"1\"\n"),
        ("malformed/compose.yaml", "services:\n  db:\n    image: [mongo\n"),
        ("malformed/pnpm-lock.yaml", "lockfileVersion: '9.0'\nimporters:\n  .: {dependencies: [\n"),
        ("malformed/yarn.lock", "__metadata:\n  version: 8\n\"a@npm:1\": [unclosed\n"),
        ("empty/package.json", ""),
        ("deep/package.json", &deep_json),
    ]);
    std::fs::create_dir_all(repo.path().join("invalid-utf8")).expect("dir");
    std::fs::write(
        repo.path().join("invalid-utf8/package.json"),
        b"{\"name\": \"\xff\xfe\"}",
    )
    .expect("write");
    std::fs::create_dir_all(repo.path().join("a-directory/package.json"))
        .expect("dir named like a manifest");
    std::fs::create_dir_all(repo.path().join("links")).expect("dir");
    std::os::unix::fs::symlink("package.json", repo.path().join("links/package.json"))
        .expect("looping link");
    std::os::unix::fs::symlink("missing/Cargo.toml", repo.path().join("links/Cargo.toml"))
        .expect("dangling link");
    // A directory link back up the tree: the walk must not go round it forever.
    std::os::unix::fs::symlink("..", repo.path().join("links/up")).expect("directory loop");
    // 100 MB without writing 100 MB: the size is checked before anything is read.
    let big = std::fs::File::create(repo.path().join("big/package-lock.json")).or_else(|_| {
        std::fs::create_dir_all(repo.path().join("big"))?;
        std::fs::File::create(repo.path().join("big/package-lock.json"))
    });
    big.expect("big file")
        .set_len(100 * 1024 * 1024)
        .expect("sparse file");
    repo
}

#[test]
fn every_bad_file_is_named_and_every_good_file_still_checked() {
    let repo = bad_repository();
    let result = run(techpolicy()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 2, "{}", result.stderr);
    let document = result.json();

    let errors: BTreeMap<String, (Value, String)> = document["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["file"].as_str().expect("file").to_string(),
                (
                    e["line"].clone(),
                    e["message"].as_str().expect("message").to_string(),
                ),
            )
        })
        .collect();
    let expect = |file: &str, line: Option<u64>, fragment: &str| {
        let (got_line, message) = errors
            .get(file)
            .unwrap_or_else(|| panic!("no diagnostic for {file}: {errors:#?}"));
        assert!(message.contains(fragment), "{file}: {message}");
        if let Some(line) = line {
            assert_eq!(got_line, &Value::from(line), "{file}: {message}");
        }
    };
    expect("truncated/package.json", Some(3), "invalid JSON");
    expect("malformed/Cargo.toml", Some(3), "invalid TOML");
    expect("malformed/compose.yaml", Some(4), "invalid YAML");
    expect("malformed/pnpm-lock.yaml", None, "");
    expect("malformed/yarn.lock", None, "");
    expect("empty/package.json", Some(1), "empty file");
    expect(
        "deep/package.json",
        Some(1),
        "nested more than 256 levels deep",
    );
    expect("invalid-utf8/package.json", None, "not valid UTF-8");
    expect("a-directory/package.json", None, "directory");
    expect("links/package.json", None, "cannot read file");
    expect("links/Cargo.toml", None, "cannot read file");
    expect(
        "big/package-lock.json",
        None,
        "more than the 64 MiB techpolicy reads",
    );
    assert_eq!(errors.len(), 12, "{errors:#?}");
    assert_eq!(document["summary"]["unreadable_files"], 12);

    let mut found: Vec<(String, u64)> = document["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().expect("file").to_string(),
                f["line"].as_u64().expect("line"),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("bom/package.json".to_string(), 2),
            ("crlf/Cargo.toml".to_string(), 5),
            ("good/package.json".to_string(), 1),
            ("longline/package.json".to_string(), 1),
            ("oneline/package.json".to_string(), 1),
        ]
    );

    // Human output names each file on stderr too.
    let human = run(techpolicy().arg("check").arg(repo.path()));
    assert_eq!(human.code, 2);
    for file in errors.keys() {
        assert!(
            human.stderr.contains(&format!("cannot parse {file}")),
            "{file}\n{}",
            human.stderr
        );
    }
    assert!(
        human
            .stdout
            .contains("12 files could not be read or parsed"),
        "{}",
        human.stdout
    );
}

#[test]
fn inventory_reports_bad_files_and_lists_the_rest() {
    let repo = bad_repository();
    let result = run(techpolicy()
        .arg("inventory")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(result.code, 2);
    let document = result.json();
    assert_eq!(document["errors"].as_array().expect("errors").len(), 12);
    let names: Vec<&str> = document["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .map(|d| d["name"].as_str().expect("name"))
        .collect();
    // The declarations in good/, longline/ and oneline/, and the one-line lock's entry.
    assert_eq!(names.iter().filter(|n| **n == "mongoose").count(), 4);
    // Every entry of the one-line lock is listed, at line 1, each at its own column.
    let oneline: Vec<&Value> = document["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter(|d| d["file"] == "oneline/package-lock.json")
        .collect();
    assert_eq!(oneline.len(), 600_001);
    assert!(oneline.iter().all(|d| d["line"] == 1));
    let lock = one_line_lock(600_000);
    let last = oneline
        .iter()
        .find(|d| d["name"] == "p599999")
        .expect("the last entry");
    let key = lock.find("\"node_modules/p599999\"").expect("key");
    assert_eq!(last["column"].as_u64(), Some(key as u64 + 1));
}
