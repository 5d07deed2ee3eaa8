//! Atomic saves: a reader (or a crash) sees the old file or the new one, never half.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temp files of concurrent saves within one process.
static SAVE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Why a file could not be read as a show or cue sheet.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be read.
    Io(io::Error),
    /// It was read but is not a valid show or cue sheet.
    Invalid(crate::ParseError),
}

impl ReadError {
    /// `FILE: …` lines for people: the I/O error, or each problem with its location.
    pub fn located_lines(&self, path: &Path) -> Vec<String> {
        match self {
            ReadError::Io(e) => vec![format!("{}: {e}", path.display())],
            ReadError::Invalid(e) => e.located_lines(path),
        }
    }
}

/// Reads and parses `path` as either format (the one place the editor, the CLI and
/// `follow` read a show or a cue sheet).
pub fn read_document(path: &Path) -> Result<crate::Document, ReadError> {
    let bytes = fs::read(path).map_err(ReadError::Io)?;
    crate::parse(&bytes).map_err(ReadError::Invalid)
}

/// Writes `bytes` to `path` atomically: a temp file in the same directory, written and
/// fsynced, renamed over `path`, then the directory fsynced. On any error the temp file
/// is removed and `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a file path", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(
        ".tmp-{}-{}",
        std::process::id(),
        SAVE_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let temp = dir.join(temp_name);
    let result = write_then_rename(&temp, path, bytes);
    if result.is_err() {
        // The temp file may not exist (creation failed); nothing more to do either way.
        let _ = fs::remove_file(&temp);
        return result;
    }
    sync_dir(&dir)
}

fn write_then_rename(temp: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, path)
}

/// Makes the rename durable (Unix); other platforms cannot open a directory for this.
fn sync_dir(dir: &Path) -> io::Result<()> {
    if cfg!(unix) {
        File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_document_names_io_and_parse_problems() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.json");
        let err = read_document(&missing).unwrap_err();
        assert!(matches!(err, ReadError::Io(_)));
        assert!(err.located_lines(&missing)[0].starts_with(&format!("{}: ", missing.display())));
        let bad = dir.path().join("bad.json");
        fs::write(&bad, r#"[{"time": -5, "action": "a"}]"#).unwrap();
        let err = read_document(&bad).unwrap_err();
        assert!(matches!(err, ReadError::Invalid(_)));
        let lines = err.located_lines(&bad);
        assert!(
            lines[0].starts_with(&format!("{}: [0].time: ", bad.display())),
            "{lines:?}"
        );
        let good = dir.path().join("good.json");
        fs::write(&good, r#"[{"time": 5, "action": "a"}]"#).unwrap();
        assert!(matches!(read_document(&good), Ok(crate::Document::Sheet(c)) if c.len() == 1));
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("show.cueshow.json");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, "新しい".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "新しい");
        assert_eq!(names(dir.path()), ["show.cueshow.json"]);
    }

    #[test]
    fn failed_rename_keeps_the_target_and_removes_the_temp_file() {
        // Renaming a file over a non-empty directory fails even for root, unlike a
        // read-only directory.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("show.cueshow.json");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), b"keep").unwrap();
        assert!(write_atomic(&target, b"new").is_err());
        assert_eq!(fs::read(target.join("inside")).unwrap(), b"keep");
        assert_eq!(names(dir.path()), ["show.cueshow.json"]);
    }

    #[test]
    fn missing_directory_or_no_file_name_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomic(&dir.path().join("nope/show.json"), b"x").is_err());
        let err = write_atomic(Path::new("/"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(names(dir.path()).is_empty());
    }
}
