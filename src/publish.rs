//! `cuestudio publish`: the bundle a CDN serves as it is.
//!
//! - `cues.<hash>.json`: the extended cue sheet with every cue's effective tolerance,
//!   duration and params, named by its content hash, with `.gz` and `.br` twins;
//! - `runtime.<hash>/`: the event page's runtime (ES modules), the folder named by the hash
//!   of all its files, so relative imports between them keep working;
//! - the show's audio as `<stem>.<hash>.<ext>`;
//! - `manifest.json` (no-cache): what the page loads first, naming all of the above;
//! - `index.html` (no-cache): a working event page.
//!
//! Hashed names are immutable: publishing again never writes different bytes under an
//! existing hashed name (that is an error), and never deletes, so old names stay valid and a
//! rollback is a manifest change.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use cuesheet::catalog::Catalog;
use cuesheet::{ExportFormat, ParseError, Show};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));
}
pub use embedded::{PAGE_TEMPLATE, RUNTIME_FILES};

/// The manifest's format version.
pub const MANIFEST_FORMAT: i64 = 1;
/// How often the page polls `/time` for the transport, unless told otherwise.
pub const DEFAULT_STATUS_POLL_MS: i64 = 5_000;
/// Hex digits of the content hash in file names (64 bits).
const NAME_HASH_HEX: usize = 16;

/// What to publish and where.
#[derive(Clone, Debug)]
pub struct Options {
    pub show: PathBuf,
    pub out_dir: PathBuf,
    /// Overrides the show's `timeServer`.
    pub time_server: Option<String>,
    /// Prefix for the bundle's URLs in the manifest and the page (a CDN origin and folder);
    /// relative names when absent.
    pub base_url: Option<String>,
    pub status_poll_ms: i64,
}

/// What a publish wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    /// The cue sheet's file name (`cues.<hash>.json`).
    pub cues: String,
    /// `sha256-…`, the cue sheet's Subresource Integrity value.
    pub cues_integrity: String,
    pub cue_count: usize,
    /// The runtime's entry module, relative to the bundle (`runtime.<hash>/cuestudio.js`).
    pub runtime: String,
    /// The media file's name, when the show has audio.
    pub media: Option<String>,
    /// Files written by this run, relative to the bundle.
    pub written: Vec<String>,
    /// Hashed files that were already there with the same bytes.
    pub unchanged: Vec<String>,
}

#[derive(Debug)]
pub enum PublishError {
    /// The show (or its effect catalog) is invalid.
    Invalid(ParseError),
    /// No time server: neither the show nor the command line names one.
    NoTimeServer,
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A hashed name already holds different bytes.
    Conflict(PathBuf),
    /// The binary was built without the web runtime.
    NoRuntime,
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishError::Invalid(e) => write!(f, "{e}"),
            PublishError::NoTimeServer => f.write_str(
                "no time server: set `timeServer` in the show or pass --time-server URL",
            ),
            PublishError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            PublishError::Conflict(path) => write!(
                f,
                "{}: already exists with different bytes; a hashed name is never overwritten \
                 (remove it by hand if it is really garbage)",
                path.display()
            ),
            PublishError::NoRuntime => f.write_str(
                "this build carries no web runtime (web/ was missing when it was built)",
            ),
        }
    }
}

impl std::error::Error for PublishError {}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |error| PublishError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// The first [`NAME_HASH_HEX`] hex digits of the SHA-256 of `bytes`.
pub fn name_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex.truncate(NAME_HASH_HEX);
    hex
}

/// `sha256-<base64>`: the value of an `integrity` attribute or fetch option.
pub fn sri(bytes: &[u8]) -> String {
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
    )
}

/// The extended cue sheet the page receives: every cue resolved against the show's catalog.
pub fn cue_sheet(show: &Show, catalog: &Catalog) -> String {
    let cues: Vec<cuesheet::Cue> = show.cues.iter().map(|c| catalog.resolve(c)).collect();
    cuesheet::export_sheet(&cues, ExportFormat::Extended, false)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    // Header mtime 0 and no name: the same input always gives the same bytes.
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        let _ = w.write_all(bytes);
    }
    out
}

/// The media type of an audio or video file, by extension.
pub fn media_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("ogg" | "oga") => "audio/ogg",
        Some("opus") => "audio/ogg; codecs=opus",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("flac") => "audio/flac",
        Some("m4a" | "aac") => "audio/mp4",
        Some("mp4" | "m4v") => "video/mp4",
        Some("webm") => "video/webm",
        _ => "application/octet-stream",
    }
}

/// Writes `bytes` under the hashed name `rel` in `out`: nothing to do when the same bytes are
/// there, an error when different ones are.
fn put_hashed(
    out: &Path,
    rel: &str,
    bytes: &[u8],
    done: &mut Published,
) -> Result<(), PublishError> {
    let path = out.join(rel);
    match std::fs::read(&path) {
        Ok(existing) if existing == bytes => {
            done.unchanged.push(rel.to_owned());
            return Ok(());
        }
        Ok(_) => return Err(PublishError::Conflict(path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(&path)(e)),
    }
    put_mutable(out, rel, bytes, done)
}

/// Writes `bytes` to `rel` in `out` (atomically, creating folders), whatever was there.
fn put_mutable(
    out: &Path,
    rel: &str,
    bytes: &[u8],
    done: &mut Published,
) -> Result<(), PublishError> {
    let path = out.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    cuesheet::write_atomic(&path, bytes).map_err(io_err(&path))?;
    done.written.push(rel.to_owned());
    Ok(())
}

/// Escapes text for HTML element content and attribute values.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Publishes `opts.show` into `opts.out_dir`.
pub fn publish(opts: &Options) -> Result<Published, PublishError> {
    let bytes = std::fs::read(&opts.show).map_err(io_err(&opts.show))?;
    let show = cuesheet::parse_show(&bytes).map_err(PublishError::Invalid)?;
    let catalog = Catalog::for_show(&show).map_err(PublishError::Invalid)?;
    let time_server = opts
        .time_server
        .clone()
        .or_else(|| show.time_server.clone())
        .ok_or(PublishError::NoTimeServer)?;
    if RUNTIME_FILES.is_empty() || PAGE_TEMPLATE.is_empty() {
        return Err(PublishError::NoRuntime);
    }
    let out = opts.out_dir.as_path();
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let url = |rel: &str| match &opts.base_url {
        Some(base) => format!("{}/{rel}", base.trim_end_matches('/')),
        None => rel.to_owned(),
    };

    let mut done = Published {
        cues: String::new(),
        cues_integrity: String::new(),
        cue_count: show.cues.len(),
        runtime: String::new(),
        media: None,
        written: Vec::new(),
        unchanged: Vec::new(),
    };

    // The cue sheet and its compressed twins.
    let sheet = cue_sheet(&show, &catalog);
    let cues_name = format!("cues.{}.json", name_hash(sheet.as_bytes()));
    done.cues = cues_name.clone();
    done.cues_integrity = sri(sheet.as_bytes());
    put_hashed(out, &cues_name, sheet.as_bytes(), &mut done)?;
    put_hashed(
        out,
        &format!("{cues_name}.gz"),
        &gzip(sheet.as_bytes()),
        &mut done,
    )?;
    put_hashed(
        out,
        &format!("{cues_name}.br"),
        &brotli(sheet.as_bytes()),
        &mut done,
    )?;

    // The runtime, in a folder named by the hash of all its files.
    let mut all = Sha256::new();
    for (name, body) in RUNTIME_FILES {
        all.update((name.len() as u64).to_le_bytes());
        all.update(name.as_bytes());
        all.update((body.len() as u64).to_le_bytes());
        all.update(body);
    }
    let folder = format!("runtime.{}", name_hash(&all.finalize()));
    for (name, body) in RUNTIME_FILES {
        put_hashed(out, &format!("{folder}/{name}"), body, &mut done)?;
    }
    done.runtime = format!("{folder}/cuestudio.js");

    // The media.
    let mut media = Value::Null;
    if let Some(audio) = &show.audio {
        let src = opts.show.parent().unwrap_or(Path::new(".")).join(audio);
        let body = std::fs::read(&src).map_err(io_err(&src))?;
        let stem = src
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty())
            .unwrap_or("media");
        let ext = src.extension().and_then(|e| e.to_str()).unwrap_or("bin");
        let name = format!("{stem}.{}.{ext}", name_hash(&body));
        put_hashed(out, &name, &body, &mut done)?;
        media = json!({
            "path": url(&name),
            "type": media_type(&src),
            "integrity": sri(&body),
        });
        done.media = Some(name);
    }

    let event_start_ms = show
        .event_start
        .as_deref()
        .and_then(|s| cuesheet::parse_rfc3339_ms(s).ok());
    let catalog_json: Map<String, Value> = catalog.to_json();
    let manifest = json!({
        "format": MANIFEST_FORMAT,
        "title": show.title,
        "eventStart": show.event_start,
        "eventStartMs": event_start_ms,
        "timeServer": time_server,
        "statusPollMs": opts.status_poll_ms,
        "expectedDrift": show.expected_drift,
        "cues": {
            "path": url(&cues_name),
            "integrity": done.cues_integrity,
            "count": done.cue_count,
        },
        "media": media,
        "runtime": { "path": url(&done.runtime) },
        "catalog": catalog_json,
    });
    let mut manifest_text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    manifest_text.push('\n');
    put_mutable(out, "manifest.json", manifest_text.as_bytes(), &mut done)?;

    let title = show.title.as_deref().unwrap_or("Cuestudio");
    // Every runtime module fetched at once, instead of each import discovering the next.
    let preload: Vec<String> = RUNTIME_FILES
        .iter()
        .filter(|(name, _)| name.ends_with(".js"))
        .map(|(name, _)| {
            format!(
                "<link rel=\"modulepreload\" href=\"{}\">",
                html_escape(&url(&format!("{folder}/{name}")))
            )
        })
        .collect();
    let preload = preload.join("\n");
    let page = PAGE_TEMPLATE
        .replace("{{PRELOAD}}", &preload)
        .replace("{{TITLE}}", &html_escape(title))
        .replace("{{RUNTIME}}", &html_escape(&url(&done.runtime)))
        .replace(
            "{{MEDIA_SYNC}}",
            &html_escape(&url(&format!("{folder}/mediasync.js"))),
        )
        .replace("{{MANIFEST}}", "manifest.json");
    put_mutable(out, "index.html", page.as_bytes(), &mut done)?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_sri() {
        assert_eq!(name_hash(b"abc"), "ba7816bf8f01cfea");
        assert_eq!(
            sri(b"abc"),
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn compression_is_deterministic_and_round_trips() {
        let text = "[{\"time\":0,\"action\":\"a\"}]\n".repeat(50);
        assert_eq!(gzip(text.as_bytes()), gzip(text.as_bytes()));
        let mut back = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&gzip(text.as_bytes())[..]),
            &mut back,
        )
        .unwrap();
        assert_eq!(back, text);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &brotli(text.as_bytes())[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
    }

    #[test]
    fn media_types_and_escaping() {
        assert_eq!(media_type(Path::new("a/b.OGG")), "audio/ogg");
        assert_eq!(media_type(Path::new("x.mp4")), "video/mp4");
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
