//! The state file (`--state`): the transport saved atomically on every change (write a
//! temporary file beside it, flush it to disk, rename it over the old one) and loaded at
//! start, so a restart keeps `paused`, the message and the event start.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::transport::{Transport, TransportError};

/// Why the state file could not be read or written.
#[derive(Debug, Error)]
pub enum StateFileError {
    #[error("cannot read the state file {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("the state file {path} is not valid transport JSON: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("the state file {path} holds an invalid transport: {source}")]
    Invalid {
        path: PathBuf,
        source: TransportError,
    },
    #[error("cannot write the state file {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// Loads the transport. A missing file is a fresh show (the default transport); an unreadable
/// or malformed one is an error, so a typo never silently resets a paused show.
pub fn load(path: &Path) -> Result<Transport, StateFileError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Transport::default()),
        Err(source) => {
            return Err(StateFileError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    let transport: Transport =
        serde_json::from_slice(&bytes).map_err(|source| StateFileError::Parse {
            path: path.to_owned(),
            source,
        })?;
    transport
        .validate()
        .map_err(|source| StateFileError::Invalid {
            path: path.to_owned(),
            source,
        })?;
    Ok(transport)
}

/// Saves the transport atomically: readers see the old file or the new one, never a mix.
pub fn save(path: &Path, transport: &Transport) -> Result<(), StateFileError> {
    let write_err = |source| StateFileError::Write {
        path: path.to_owned(),
        source,
    };
    let mut json = serde_json::to_vec_pretty(transport)
        .map_err(|e| write_err(io::Error::new(io::ErrorKind::InvalidData, e)))?;
    json.push(b'\n');
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(write_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use timesync::TransportUpdate;

    #[test]
    fn missing_file_is_a_fresh_show() {
        let dir = tempfile::tempdir().unwrap();
        let t = load(&dir.path().join("none.json")).unwrap();
        assert_eq!(t, Transport::default());
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut t = Transport::default();
        let u: TransportUpdate =
            serde_json::from_str(r#"{"eventStart":1000,"status":"paused","message":"m"}"#).unwrap();
        t.apply(&u, 4_000).unwrap();
        save(&path, &t).unwrap();
        assert_eq!(load(&path).unwrap(), t);
        assert!(!dir.path().join("state.json.tmp").exists());
    }

    #[test]
    fn malformed_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, "{\"pausedAt\": \"soon\"}").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("state.json"), "{err}");
        assert!(err.contains("not valid transport JSON"), "{err}");
    }

    #[test]
    fn out_of_range_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, "{\"eventStart\": 999999999999999999}").unwrap();
        assert!(matches!(load(&path), Err(StateFileError::Invalid { .. })));
    }

    #[test]
    fn unwritable_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/state.json");
        assert!(matches!(
            save(&path, &Transport::default()),
            Err(StateFileError::Write { .. })
        ));
    }
}
