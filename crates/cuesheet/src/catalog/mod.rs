//! The effect catalog: how the editor previews each action, and the action's defaults.
//!
//! The built-in catalog is `assets/effects.json`, embedded at compile time; a show may
//! override or add entries under its `effects` key. The file format:
//!
//! ```json
//! {
//!   "defaultTolerance": 500,
//!   "effects": {
//!     "fireworks": { "kind": "burst", "label": "Fireworks", "color": "#ff8040",
//!                    "tolerance": 150, "duration": 1500, "params": { "count": 60 } }
//!   }
//! }
//! ```
//!
//! Every key of an entry is optional: `kind` defaults to `marker` (a labelled pulse),
//! `label` to the action name, `color` to a neutral grey, `params` to `{}`; `tolerance`
//! and `duration` (whole milliseconds) may be absent or `null`. The file is read and
//! checked as a show document is: a syntax error or a repeated key is an error at its
//! `line:column`, and a wrong type or an unknown key one at its path
//! (`effects.fireworks.tolerence`), all of them reported at once.
//!
//! A show override for an action the catalog already has is merged key by key onto the
//! catalog's entry (and `params` key by key onto its params), so `{"fireworks":
//! {"tolerance": 400}}` changes only the tolerance. A new action gets the defaults above.
//!
//! Tolerances sort into [`Tier`]s following the source article's table: slow colour
//! shifts, particles and text fades are Good (at least 1,000 ms); fireworks at an exact
//! instant and a flash with an explosion are Poor (under 250 ms).
//!
//! `model` holds the types and their behaviour ([`Catalog::builtin`],
//! [`Catalog::for_show`], [`Catalog::resolve`], …); `parse` reads catalog files
//! ([`Catalog::parse`]) and a show's overrides ([`Catalog::with_overrides`]).

mod model;
mod parse;

pub use model::{
    BUILTIN_JSON, Catalog, DEFAULT_COLOR, EffectEntry, EffectKind, FALLBACK_DEFAULT_TOLERANCE_MS,
    Tier, is_hex_color,
};
