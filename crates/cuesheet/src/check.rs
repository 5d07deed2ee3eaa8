//! The checks every format shares, on the strict tree of [`crate::json`]: a [`Checker`]
//! collects problems in document order, each at its path, with one wording for wrong types,
//! milliseconds and unknown keys, so a show, a cue sheet and an effect catalog report the
//! same mistake the same way.

use crate::error::{ParseError, Problem};
use crate::json::{Json, quote};

/// Collects problems while walking a tree.
#[derive(Default)]
pub(crate) struct Checker {
    pub(crate) problems: Vec<Problem>,
}

impl Checker {
    /// A problem at `path`.
    pub(crate) fn report(&mut self, path: String, message: impl Into<String>) {
        self.problems.push(Problem::at(path, message));
    }

    /// A problem with the input as a whole (a missing top-level key, a wrong root).
    pub(crate) fn report_whole(&mut self, message: impl Into<String>) {
        self.problems.push(Problem::whole(message));
    }

    /// `value` when nothing was reported, else every problem.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, ParseError> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(ParseError {
                problems: self.problems,
            })
        }
    }

    /// `unknown key "k" (<what> has <keys>)` at `path`.
    pub(crate) fn unknown_key(&mut self, path: String, key: &str, what: &str, keys: &str) {
        self.report(
            path,
            format!("unknown key {} ({what} has {keys})", quote(key)),
        );
    }

    /// A whole number of ms >= 0 that fits `i64`.
    pub(crate) fn whole_ms(&mut self, value: &Json, path: impl FnOnce() -> String) -> Option<i64> {
        self.ms_at_least(value, 0, path)
    }

    /// A whole number of ms >= `min` (`min` >= 0) that fits `i64`.
    pub(crate) fn ms_at_least(
        &mut self,
        value: &Json,
        min: i64,
        path: impl FnOnce() -> String,
    ) -> Option<i64> {
        const MAX: i64 = i64::MAX;
        // 2^63 as f64: the first float that does not fit i64.
        const TOO_BIG: f64 = 9_223_372_036_854_775_808.0;
        let got = match value {
            Json::Int(n) if *n >= min => return Some(*n),
            Json::Int(n) => format!("got {n}"),
            Json::UInt(n) => format!("got {n}, which is too large (the maximum is {MAX})"),
            Json::Float(f) if *f >= TOO_BIG => {
                format!(
                    "got a number too large for milliseconds (about {f:e}; the maximum is {MAX})"
                )
            }
            Json::Float(f) if f.fract() != 0.0 => format!("got {f:?}, which has a fraction"),
            Json::Float(f) if *f < min as f64 => format!("got {f:?}"),
            Json::Float(f) => format!(
                "got {f:?}, written with a decimal point or exponent; write it as the integer {}",
                *f as i64
            ),
            Json::Str(s) if s.trim().parse::<i64>().is_ok() => {
                format!("got a string {}; remove the quotes", quote(s))
            }
            other => format!("got {}", other.describe()),
        };
        self.report(
            path(),
            format!("must be a whole number of milliseconds >= {min}, {got}"),
        );
        None
    }

    /// A string.
    pub(crate) fn string(&mut self, value: Json, path: impl FnOnce() -> String) -> Option<String> {
        match value {
            Json::Str(s) => Some(s),
            other => {
                self.report(
                    path(),
                    format!("must be a string, got {}", other.describe()),
                );
                None
            }
        }
    }

    /// An object's entries, in document order.
    pub(crate) fn object(
        &mut self,
        value: Json,
        path: impl FnOnce() -> String,
    ) -> Option<Vec<(String, Json)>> {
        match value {
            Json::Object(entries) => Some(entries),
            other => {
                self.report(
                    path(),
                    format!("must be an object, got {}", other.describe()),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(value: Json, min: i64) -> Result<i64, String> {
        let mut c = Checker::default();
        let got = c.ms_at_least(&value, min, || "t".into());
        got.ok_or_else(|| c.problems[0].to_string())
    }

    #[test]
    fn milliseconds_say_what_is_wrong_with_the_number() {
        assert_eq!(ms(Json::Int(0), 0), Ok(0));
        assert_eq!(
            ms(Json::Int(0), 1).unwrap_err(),
            "t: must be a whole number of milliseconds >= 1, got 0"
        );
        assert_eq!(
            ms(Json::Float(0.0), 1).unwrap_err(),
            "t: must be a whole number of milliseconds >= 1, got 0.0"
        );
        assert_eq!(
            ms(Json::Float(1000.0), 0).unwrap_err(),
            "t: must be a whole number of milliseconds >= 0, got 1000.0, written with a \
             decimal point or exponent; write it as the integer 1000"
        );
        assert_eq!(
            ms(Json::Str("5".into()), 0).unwrap_err(),
            "t: must be a whole number of milliseconds >= 0, got a string \"5\"; remove the quotes"
        );
    }

    #[test]
    fn unknown_keys_name_the_key_and_what_is_allowed() {
        let mut c = Checker::default();
        c.unknown_key("a.b".into(), "b", "an a", "x, y");
        assert_eq!(
            c.finish(()).unwrap_err().to_string(),
            "a.b: unknown key \"b\" (an a has x, y)"
        );
    }
}
