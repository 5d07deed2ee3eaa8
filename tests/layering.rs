//! The arrows point down: each module of `src/` imports only from the layers below it
//! (docs/architecture.md). A module that reaches up — or sideways, into another module of
//! its own layer — fails this test with the file and line. Inside `ui/`, the panels use the
//! shared pieces but never each other.

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

/// The modules of `ui/` that every panel may use; every other module of `ui/` is a panel.
const UI_SHARED: &[&str] = &[
    "action",
    "command",
    "field",
    "selection",
    "time_map",
    "tolerance",
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level modules named after `crate::` in `text`, with their line numbers: in
/// paths (`crate::doc::Edit`) and in grouped imports (`use crate::{doc, ui::Action}`).
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    refs_after(text, "crate::")
        .into_iter()
        .map(|(n, _, m)| (n, m))
        .collect()
}

/// What follows `prefix` (`crate::` or a chain of `super::`): line, how many times the
/// prefix repeats, and the first segment after it.
fn refs_after(text: &str, prefix: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().last();
            rest = &rest[i + prefix.len()..];
            let mut depth = 1;
            while let Some(r) = rest.strip_prefix(prefix) {
                rest = r;
                depth += 1;
            }
            // Skip identifiers that merely end in the prefix, and `self::super::`.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                out.extend(group_heads(group).into_iter().map(|m| (n + 1, depth, m)));
            } else {
                let ident: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() {
                    out.push((n + 1, depth, ident));
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
            ',' if depth == 0 => {
                if at_start && !ident.is_empty() {
                    heads.push(std::mem::take(&mut ident));
                }
                ident.clear();
                at_start = true;
            }
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

/// The panel of `ui/` a file belongs to (`ui/timeline/paint.rs` → `timeline`), and its
/// module path below `ui` (`["timeline", "paint"]`), or `None` outside the panels.
fn ui_panel(rel: &Path) -> Option<(String, Vec<String>)> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.first().map(String::as_str) != Some("ui") {
        return None;
    }
    parts.remove(0);
    if parts.last().map(String::as_str) == Some("mod") {
        parts.pop();
    }
    let panel = parts.first()?.clone();
    (!UI_SHARED.contains(&panel.as_str())).then_some((panel, parts))
}

/// Panels that reach into other panels, as "file:line: what".
fn panel_violations(src: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let mut files = Vec::new();
    rust_files(&src.join("ui"), &mut files);
    files.sort();
    for file in files {
        let rel = file.strip_prefix(src).unwrap_or(&file);
        let Some((panel, path)) = ui_panel(rel) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let mut targets: Vec<(usize, String)> = Vec::new();
        // `super::` from ui/<path>: up `depth` levels from the module's path.
        for (line, depth, first) in refs_after(&text, "super::") {
            if depth == path.len() {
                targets.push((line, first));
            }
        }
        for (line, _, first) in refs_after(&text, "crate::ui::") {
            targets.push((line, first));
        }
        for (line, target) in targets {
            let is_module = std::fs::metadata(src.join("ui").join(&target)).is_ok()
                || std::fs::metadata(src.join("ui").join(format!("{target}.rs"))).is_ok();
            if is_module && target != panel && !UI_SHARED.contains(&target.as_str()) {
                bad.push(format!(
                    "src/{}:{line}: the `{panel}` panel reaches into the `{target}` panel",
                    rel.display()
                ));
            }
        }
    }
    bad
}

#[test]
fn panels_do_not_reach_into_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = panel_violations(&src);
    assert!(bad.is_empty(), "panels using panels:\n{}", bad.join("\n"));
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

#[test]
fn the_panel_checker_fails_a_panel_that_uses_another() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(ui.join("timeline")).unwrap();
    std::fs::write(ui.join("inspector.rs"), "pub const X: u8 = 1;\n").unwrap();
    std::fs::write(ui.join("field.rs"), "pub const Y: u8 = 1;\n").unwrap();
    std::fs::write(
        ui.join("cue_list.rs"),
        "use super::field::Y;\nuse super::{Action, inspector::X};\n",
    )
    .unwrap();
    // Inside a panel's folder, `super::` is the panel itself.
    std::fs::write(
        ui.join("timeline/paint.rs"),
        "use super::layout;\nuse super::super::inspector;\n",
    )
    .unwrap();
    std::fs::write(ui.join("timeline/layout.rs"), "use crate::ui::field::Y;\n").unwrap();
    let bad = panel_violations(dir.path());
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(
        bad[0]
            .starts_with("src/ui/cue_list.rs:2: the `cue_list` panel reaches into the `inspector`"),
        "{}",
        bad[0]
    );
    assert!(
        bad[1].starts_with("src/ui/timeline/paint.rs:2: the `timeline` panel"),
        "{}",
        bad[1]
    );
}
