//! Cuestudio: the editor, the CLI and the live follower.
//!
//! Layers, top to bottom (docs/architecture.md; `tests/layering.rs` keeps them): `cli` is
//! the command line; `app` wires the editor together and applies what the panels ask for;
//! `ui` draws the panels, which push `Action`s; `live` follows the time server, `audio`
//! decodes, builds peaks and plays, `preview` holds the pure effect functions and the drift
//! model, `publish` writes the CDN bundle; `doc` is the open show with its edits, commands
//! and undo history (no egui).

pub mod app;
pub mod audio;
pub mod cli;
pub mod doc;
pub mod live;
pub mod preview;
pub mod publish;
pub mod ui;
