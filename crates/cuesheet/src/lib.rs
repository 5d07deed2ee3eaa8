//! Cuestudio formats: the show document (`*.cueshow.json`, the editor's file) and the
//! CDN cue sheet (the JSON array the event page reads).
//!
//! - [`parse`] tells the two apart by shape; [`parse_show`] and [`parse_sheet`] want one.
//!   Every error says what and where ([`Problem`]): `line:column` for JSON syntax, a path
//!   such as `cues[12].time` for semantic problems, and all semantic problems are
//!   reported at once, in document order.
//! - [`export_sheet`] writes the deterministic CDN sheet, [`show_to_json`] the editor's
//!   save format, [`show_from_sheet`] imports a sheet, [`write_atomic`] saves safely.
//! - [`timing`] imports the timing files designers already have (Audacity labels, CSV,
//!   LRC, SRT, xLights, REAPER, MIDI) as cues, and exports some of them back.
//! - [`grid`] is the tempo grid's maths: the lines of a show's [`TempoSection`]s (bars,
//!   beats, subdivisions), snapping to them, refitting a section to a dragged beat, and
//!   tap tempo.
//! - Times are `i64` milliseconds; [`format_time_ms`], [`parse_time_ms`] and
//!   [`parse_rfc3339_ms`] convert at the edges.

pub mod catalog;
mod check;
mod error;
mod export;
mod fast;
mod fsio;
pub mod grid;
mod json;
pub mod lint;
mod model;
mod parse;
mod timefmt;
pub mod timing;

pub use error::{Location, ParseError, Problem};
pub use export::{ExportFormat, export_sheet, show_to_json};
pub use fsio::{ReadError, read_document, write_atomic};
pub use json::parse_object;
pub use model::{Cue, Document, Lane, Marker, Show, TempoSection, show_from_sheet};
pub use parse::{parse, parse_precise, parse_sheet, parse_show};
pub use timefmt::{format_time_ms, parse_rfc3339_ms, parse_time_ms};

/// The show document version this build reads and writes (`"cuestudio": 1`).
pub const FORMAT_VERSION: i64 = 1;
