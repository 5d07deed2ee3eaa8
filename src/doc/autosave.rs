//! Autosave: unsaved edits are written every 30 s to a recovery file in the user's data
//! folder, so a crash loses at most that much. The next start lists recovery files and
//! offers to restore them; a save or a clean close removes them.
//!
//! A recovery is two files in the recovery folder: `KEY.cueshow.json` (the show) and
//! `KEY.meta.json` (`{"original": path or null, "savedAtMs": unix ms}`), both written
//! atomically. `KEY` is derived from the show's path, so each open show has one slot.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cuesheet::Show;
use serde::{Deserialize, Serialize};

/// How often unsaved changes are written.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// The folder for recovery files: `$CUESTUDIO_DATA_DIR/recovery` when that variable is set
/// (tests), else the platform data folder (`~/.local/share/cuestudio/recovery` on Linux).
pub fn recovery_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CUESTUDIO_DATA_DIR") {
        return Some(PathBuf::from(dir).join("recovery"));
    }
    directories::ProjectDirs::from("", "", "cuestudio").map(|d| d.data_dir().join("recovery"))
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    original: Option<PathBuf>,
    saved_at_ms: i64,
}

/// A recovery file found at start.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    pub show_file: PathBuf,
    pub meta_file: PathBuf,
    /// The show file it belongs to; `None` for a show never saved.
    pub original: Option<PathBuf>,
    pub saved_at_ms: i64,
}

impl Recovery {
    pub fn load(&self) -> anyhow::Result<Show> {
        let bytes = std::fs::read(&self.show_file)?;
        cuesheet::parse_show(&bytes).map_err(|e| {
            anyhow::anyhow!(
                "{}: {}",
                self.show_file.display(),
                e.to_string().replace('\n', "; ")
            )
        })
    }

    /// Removes both files; missing files are fine.
    pub fn discard(&self) {
        for f in [&self.show_file, &self.meta_file] {
            if let Err(e) = std::fs::remove_file(f)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!("could not remove {}: {e}", f.display());
            }
        }
    }
}

/// The slot name for a show at `path` (FNV-1a of the path, so it is stable across runs).
fn key_for(path: Option<&Path>) -> String {
    match path {
        None => "untitled".to_owned(),
        Some(p) => {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in p.as_os_str().as_encoded_bytes() {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
            let stem = p
                .file_name()
                .map(|n| n.to_string_lossy().replace(".cueshow.json", ""))
                .unwrap_or_default();
            let stem: String = stem
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .take(40)
                .collect();
            format!("{stem}-{h:016x}")
        }
    }
}

fn files_for(dir: &Path, original: Option<&Path>) -> (PathBuf, PathBuf) {
    let key = key_for(original);
    (
        dir.join(format!("{key}.cueshow.json")),
        dir.join(format!("{key}.meta.json")),
    )
}

/// Writes a recovery for `show` (belonging to `original`) into `dir`.
pub fn write_recovery(dir: &Path, original: Option<&Path>, show: &Show) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let (show_file, meta_file) = files_for(dir, original);
    cuesheet::write_atomic(&show_file, cuesheet::show_to_json(show).as_bytes())?;
    let meta = Meta {
        original: original.map(Path::to_path_buf),
        saved_at_ms: now_unix_ms(),
    };
    let meta = serde_json::to_vec_pretty(&meta).map_err(std::io::Error::other)?;
    cuesheet::write_atomic(&meta_file, &meta)
}

/// Removes the recovery for the show at `original`, if any.
pub fn remove_recovery(dir: &Path, original: Option<&Path>) {
    let (show_file, meta_file) = files_for(dir, original);
    Recovery {
        show_file,
        meta_file,
        original: None,
        saved_at_ms: 0,
    }
    .discard();
}

/// Recovery files in `dir`, newest first. Unreadable metadata is skipped with a warning.
pub fn list_recoveries(dir: &Path) -> Vec<Recovery> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let meta_file = entry.path();
        let Some(name) = meta_file.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(key) = name.strip_suffix(".meta.json") else {
            continue;
        };
        let show_file = dir.join(format!("{key}.cueshow.json"));
        if !show_file.exists() {
            continue;
        }
        let meta: Meta = match std::fs::read(&meta_file)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!("skipping recovery {}: {e}", meta_file.display());
                continue;
            }
        };
        found.push(Recovery {
            show_file,
            meta_file,
            original: meta.original,
            saved_at_ms: meta.saved_at_ms,
        });
    }
    found.sort_by_key(|r| std::cmp::Reverse(r.saved_at_ms));
    found
}

pub fn now_unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Decides when to autosave: at most every [`INTERVAL`], only when the document changed
/// since the last autosave and is not saved.
#[derive(Default)]
pub struct Autosaver {
    last_revision: Option<u64>,
    last_at: Option<std::time::Instant>,
}

impl Autosaver {
    /// Whether an autosave is due now for a document at `revision`.
    pub fn due(&self, now: std::time::Instant, revision: u64, dirty: bool) -> bool {
        if !dirty || self.last_revision == Some(revision) {
            return false;
        }
        self.last_at
            .is_none_or(|at| now.saturating_duration_since(at) >= INTERVAL)
    }

    /// When an autosave of a document at `revision` becomes due, if it ever does without a
    /// further change (the editor wakes up then, and not before).
    pub fn next_due(&self, revision: u64, dirty: bool) -> Option<std::time::Instant> {
        if !dirty || self.last_revision == Some(revision) {
            return None;
        }
        Some(
            self.last_at
                .map_or_else(std::time::Instant::now, |at| at + INTERVAL),
        )
    }

    /// Call when an autosave of `revision` was started (or the document was saved).
    pub fn done(&mut self, now: std::time::Instant, revision: u64) {
        self.last_revision = Some(revision);
        self.last_at = Some(now);
    }

    /// Start the interval afresh (e.g. after opening a document).
    pub fn reset(&mut self, now: std::time::Instant) {
        self.last_revision = None;
        self.last_at = Some(now);
    }
}
