//! Parse problems: what went wrong and where (a `line:column`, a line, a JSON path, or the
//! whole input).

use std::fmt;

/// Where a [`Problem`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A position in the text (1-based line and column), for JSON syntax errors.
    LineColumn { line: usize, column: usize },
    /// A line of a text file (1-based), for the line-based timing formats.
    Line { line: usize },
    /// A path into the document, such as `cues[12].time` or `[3].action`.
    Path(String),
    /// The input as a whole (encoding, empty file, wrong kind of document).
    Whole,
}

/// One thing wrong with an input. Displays as `12:5: msg`, `12: msg`, `cues[3].time: msg`
/// or `msg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

impl Problem {
    pub(crate) fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            location: Location::Path(path.into()),
            message: message.into(),
        }
    }

    pub(crate) fn whole(message: impl Into<String>) -> Self {
        Self {
            location: Location::Whole,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::LineColumn { line, column } => write!(f, "{line}:{column}: {}", self.message),
            Location::Line { line } => write!(f, "{line}: {}", self.message),
            Location::Path(path) => write!(f, "{path}: {}", self.message),
            Location::Whole => f.write_str(&self.message),
        }
    }
}

/// Why an input was rejected: at least one [`Problem`]. Displays one problem per line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", lines(.problems))]
pub struct ParseError {
    pub problems: Vec<Problem>,
}

impl ParseError {
    /// One line per problem, the form the CLI prints and the editor shows: a place in the
    /// text as compilers write it, `FILE:LINE:COLUMN: message` (JSON syntax) or
    /// `FILE:LINE: message` (a line of a timing file), so editors and terminals can jump
    /// there; a place in the document as `FILE: cues[12].time: message`; the whole input as
    /// `FILE: message`.
    pub fn located_lines(&self, file: &std::path::Path) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| match &p.location {
                Location::LineColumn { line, column } => {
                    format!("{}:{line}:{column}: {}", file.display(), p.message)
                }
                Location::Line { line } => format!("{}:{line}: {}", file.display(), p.message),
                Location::Path(at) => format!("{}: {at}: {}", file.display(), p.message),
                Location::Whole => format!("{}: {}", file.display(), p.message),
            })
            .collect()
    }
}

impl From<Problem> for ParseError {
    fn from(problem: Problem) -> Self {
        Self {
            problems: vec![problem],
        }
    }
}

fn lines(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
impl ParseError {
    /// Where each problem is: its path, or how else it is located (for tests).
    pub(crate) fn paths(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| match &p.location {
                Location::Path(path) => path.clone(),
                other => format!("{other:?}"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_each_location_kind_and_joins_lines() {
        let err = ParseError {
            problems: vec![
                Problem {
                    location: Location::LineColumn {
                        line: 12,
                        column: 5,
                    },
                    message: "expected `,`".into(),
                },
                Problem {
                    location: Location::Line { line: 7 },
                    message: "bad stamp".into(),
                },
                Problem::at("cues[3].time", "bad"),
                Problem::whole("empty file"),
            ],
        };
        assert_eq!(
            err.to_string(),
            "12:5: expected `,`\n7: bad stamp\ncues[3].time: bad\nempty file"
        );
        assert_eq!(
            err.located_lines(std::path::Path::new("song.lrc")),
            [
                "song.lrc:12:5: expected `,`",
                "song.lrc:7: bad stamp",
                "song.lrc: cues[3].time: bad",
                "song.lrc: empty file",
            ]
        );
    }
}
