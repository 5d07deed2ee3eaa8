//! The arrows point down: each module of `src/` imports only from the layers below it
//! (docs/architecture.md). A module that reaches up — or sideways, into another module of
//! its own layer — fails this test with the file and line.

use std::path::{Path, PathBuf};

/// Top to bottom. `main.rs` sits above them all; the workspace crates (`cuesheet`,
/// `timesync`, `timeserver`) below them all, which Cargo already enforces.
const LAYERS: &[&[&str]] = &[
    &["cli"],
    &["app"],
    &["ui"],
    &["live", "audio", "preview", "publish"],
    &["doc"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level modules named after `crate::` in `text`, with their line numbers: in
/// paths (`crate::doc::Edit`) and in grouped imports (`use crate::{doc, ui::Action}`).
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let before = rest[..i].chars().last();
            rest = &rest[i + "crate::".len()..];
            // `cuestudio::crate::` does not exist; skip identifiers that merely end in "crate".
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                out.extend(group_heads(group).into_iter().map(|m| (n + 1, m)));
            } else {
                let ident: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() {
                    out.push((n + 1, ident));
                }
            }
        }
    }
    out
}

/// The first segment of each path at the top level of a `{…}` group.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_start = true;
    let mut ident = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_start = true,
            c if at_start && (c.is_alphanumeric() || c == '_') => ident.push(c),
            c if at_start && c.is_whitespace() && ident.is_empty() => {}
            _ => {
                if at_start && !ident.is_empty() {
                    heads.push(std::mem::take(&mut ident));
                }
                at_start = false;
            }
        }
    }
    if !ident.is_empty() {
        heads.push(ident);
    }
    heads
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every import that points up or sideways, as "file:line: what".
fn violations(src: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    for file in files {
        let rel = file.strip_prefix(src).unwrap_or(&file);
        let module = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_owned()
            })
            .unwrap_or_default();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            bad.push(format!(
                "src/{}: module `{module}` has no layer; add it to LAYERS and docs/architecture.md",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (line, target) in crate_refs(&text) {
            if target == module {
                continue;
            }
            match layer_of(&target) {
                Some(l) if l > own => {}
                Some(l) => bad.push(format!(
                    "src/{}:{line}: `{module}` imports `crate::{target}`, which is {}",
                    rel.display(),
                    if l == own {
                        "in its own layer"
                    } else {
                        "in a layer above"
                    }
                )),
                None => bad.push(format!(
                    "src/{}:{line}: `crate::{target}` is not a layered module",
                    rel.display()
                )),
            }
        }
    }
    bad
}

#[test]
fn imports_point_down_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(
        bad.is_empty(),
        "imports against the layers:\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_module_of_the_library_has_a_layer() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .collect();
    assert!(modules.len() >= 8, "{modules:?}");
    for m in modules {
        assert!(layer_of(m).is_some(), "`{m}` has no layer");
    }
}

#[test]
fn the_checker_sees_paths_and_grouped_imports() {
    let text = "use crate::doc::Edit;\n\
                use crate::{ui::{self, Action}, live};\n\
                let x = crate::app::run(None); // crate::cli in a comment\n\
                fn notcrate::x() {}\n";
    let refs: Vec<(usize, String)> = crate_refs(text);
    let names: Vec<&str> = refs.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(names, ["doc", "ui", "live", "app"]);
    assert_eq!(refs[3].0, 3);
    // And it fails a module that reaches up.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("doc")).unwrap();
    std::fs::write(dir.path().join("doc/mod.rs"), "use crate::ui::Action;\n").unwrap();
    std::fs::write(dir.path().join("ui.rs"), "use crate::doc::Edit;\n").unwrap();
    let bad = violations(dir.path());
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].starts_with("src/doc/mod.rs:1: `doc` imports `crate::ui`"),
        "{}",
        bad[0]
    );
}
