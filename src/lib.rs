//! Cuestudio: the editor, the CLI and the live follower.
//!
//! Layout (DESIGN.md): `doc` is the open show with its commands and undo history (no egui);
//! `ui` draws panels and emits `doc` edits; `audio` decodes, builds peaks and plays;
//! `preview` holds the pure effect functions and the drift model; `live` follows the time
//! server; `publish` writes the CDN bundle for the event page; `app` wires everything together; `cli` is the command line.

pub mod app;
pub mod audio;
pub mod cli;
pub mod doc;
pub mod live;
pub mod preview;
pub mod publish;
pub mod ui;
