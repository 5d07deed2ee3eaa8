//! The commands on show documents and cue sheets: `validate`, `export`, `info`, `lint`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use cuesheet::{Cue, Document, ExportFormat};

use super::{EXIT_INVALID, EXIT_IO, load_or_report, problem_lines};

/// Check show documents and CDN cue sheets; print every problem with its location.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 all valid, 1 a file is invalid, 2 a file cannot be read.\n\n\
                        Examples:\n  cuestudio validate show.cueshow.json\n  \
                        cuestudio validate dist/*.json"
)]
pub struct ValidateArgs {
    /// Files to check; each may be a show (`*.cueshow.json`) or a CDN cue sheet.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Also run the lint (drift risk, overlaps, …); findings make the exit status 1.
    #[arg(long)]
    pub lint: bool,
}

/// Check a show for drift risks and timing mistakes (codes in docs/lint.md).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 no findings, 1 findings, 2 the file is unreadable or invalid.\n\n\
                        Examples:\n  cuestudio lint show.cueshow.json\n  \
                        cuestudio lint show.cueshow.json --json | jq '.[] | select(.code==\"drift-risk\")'"
)]
pub struct LintArgs {
    /// A show (`*.cueshow.json`) or a CDN cue sheet (linted with the default catalog).
    pub file: PathBuf,
    /// Print the findings as a JSON array of {"code","severity","cue","time","action","message"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// time, action, and tolerance, duration, params when set
    Extended,
    /// only time and action
    Seed,
    /// an Audacity label track (tab-separated seconds and label)
    Audacity,
    /// CSV: time,action,tolerance,duration,lane,note
    Csv,
    /// xLights timing tracks (.xtiming), a track per lane
    Xtiming,
    /// LRC lyrics: each cue's text at its time
    Lrc,
    /// SRT subtitles: each cue's text for its duration
    Srt,
    /// a REAPER Region/Marker Manager CSV
    Reaper,
}

impl FormatArg {
    /// The exporter of a timing format (the tools designers use), or `None` for the CDN
    /// cue sheet formats.
    fn timing(self) -> Option<fn(&[Cue]) -> String> {
        use cuesheet::timing;
        Some(match self {
            FormatArg::Extended | FormatArg::Seed => return None,
            FormatArg::Audacity => timing::audacity::export,
            FormatArg::Csv => timing::csv::export,
            FormatArg::Xtiming => timing::xtiming::export,
            FormatArg::Lrc => timing::lrc::export,
            FormatArg::Srt => timing::srt::export,
            FormatArg::Reaper => timing::reaper::export,
        })
    }
}

/// Write the CDN cue sheet: sorted by time, deterministic bytes, UTF-8.
///
/// From a show, each cue of the extended format carries its effective tolerance, duration
/// and params (the cue's own, else the show's effect catalog, else the built-in one): what
/// the editor linted and previewed is what the page gets. A cue sheet is written as it is.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  cuestudio export show.cueshow.json -o dist/cues.json\n  \
                        cuestudio export show.cueshow.json --format seed --pretty\n  \
                        cuestudio export show.cueshow.json --raw   # only what cues set\n  \
                        cuestudio export old-cues.json -o cues.json   # normalise a sheet\n  \
                        cuestudio export show.cueshow.json --format audacity -o labels.txt"
)]
pub struct ExportArgs {
    /// A show (`*.cueshow.json`) or a CDN cue sheet.
    pub input: PathBuf,
    /// Where to write (atomically); standard output when absent.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Which keys each cue keeps.
    #[arg(long, value_enum, default_value_t = FormatArg::Extended)]
    pub format: FormatArg,
    /// Indent the JSON for people; the default is compact.
    #[arg(long)]
    pub pretty: bool,
    /// Keep only what each cue sets itself (no catalog defaults filled in).
    #[arg(long)]
    pub raw: bool,
}

/// Summarise a show or cue sheet: title, cue count, time span, actions with counts.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  cuestudio info sample_shows/hoshizora.cueshow.json\n  \
                        cuestudio info dist/cues.json --json"
)]
pub struct InfoArgs {
    /// A show (`*.cueshow.json`) or a CDN cue sheet.
    pub file: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn validate(args: &ValidateArgs) -> ExitCode {
    let mut worst = 0u8;
    for path in &args.files {
        match load_or_report(path) {
            Ok(doc) => {
                let (kind, n) = match &doc {
                    Document::Show(s) => ("show", s.cues.len()),
                    Document::Sheet(c) => ("cue sheet", c.len()),
                };
                if args.lint {
                    match lint_document(path, doc) {
                        Ok(findings) if findings.is_empty() => {}
                        Ok(findings) => {
                            for f in &findings {
                                eprintln!("{}", finding_line(path, f));
                            }
                            worst = worst.max(EXIT_INVALID);
                            continue;
                        }
                        Err(code) => {
                            worst = worst.max(code);
                            continue;
                        }
                    }
                }
                outln!("{}: ok ({kind}, {n} cues)", path.display());
            }
            Err(code) => worst = worst.max(code),
        }
    }
    ExitCode::from(worst)
}

/// `FILE: 00:15.500 flash: warning drift-risk: message` (without the cue's time and action
/// for show-wide findings).
fn finding_line(path: &Path, f: &cuesheet::lint::Finding) -> String {
    format!("{}: {f}", path.display())
}

/// Lints a parsed document with the built-in catalog and the show's overrides; the audio's
/// end comes from the show's audio file when it can be read.
fn lint_document(path: &Path, doc: Document) -> Result<Vec<cuesheet::lint::Finding>, u8> {
    let show = match doc {
        Document::Show(s) => s,
        Document::Sheet(cues) => cuesheet::show_from_sheet(cues),
    };
    let catalog = match cuesheet::catalog::Catalog::for_show(&show) {
        Ok(c) => c,
        Err(e) => {
            for line in problem_lines(path, &e) {
                eprintln!("{line}");
            }
            return Err(EXIT_INVALID);
        }
    };
    let audio_end = show.audio.as_deref().and_then(|a| {
        let audio = path.parent().unwrap_or(Path::new(".")).join(a);
        match crate::audio::load::probe_duration_ms(&audio) {
            Ok(ms) => Some(ms),
            Err(e) => {
                eprintln!("{}: note: audio not checked: {e}", path.display());
                None
            }
        }
    });
    Ok(cuesheet::lint::lint(&show, &catalog, audio_end))
}

pub fn lint(args: &LintArgs) -> ExitCode {
    let doc = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(_) => return ExitCode::from(EXIT_IO),
    };
    let findings = match lint_document(&args.file, doc) {
        Ok(f) => f,
        Err(_) => return ExitCode::from(EXIT_IO),
    };
    if args.json {
        outln!("{}", cuesheet::lint::findings_to_json(&findings));
    } else {
        for f in &findings {
            outln!("{}", finding_line(&args.file, f));
        }
        if findings.is_empty() {
            outln!("{}: no findings", args.file.display());
        }
    }
    ExitCode::from(if findings.is_empty() { 0 } else { EXIT_INVALID })
}

fn cues_of(doc: Document) -> Vec<Cue> {
    match doc {
        Document::Show(s) => s.cues,
        Document::Sheet(c) => c,
    }
}

pub fn export(args: &ExportArgs) -> ExitCode {
    let doc = match load_or_report(&args.input) {
        Ok(d) => d,
        Err(code) => return ExitCode::from(code),
    };
    if let Some(export) = args.format.timing() {
        // For the timing tools: the cues as the show has them, in time order.
        let mut cues = cues_of(doc);
        cues.sort_by_key(|c| c.time);
        return write_out(args.output.as_deref(), &export(&cues));
    }
    let format = match args.format {
        FormatArg::Seed => ExportFormat::Seed,
        _ => ExportFormat::Extended,
    };
    let cues = match doc {
        Document::Show(show) if format == ExportFormat::Extended && !args.raw => {
            match cuesheet::catalog::Catalog::for_show(&show) {
                Ok(catalog) => show.cues.iter().map(|c| catalog.resolve(c)).collect(),
                Err(e) => {
                    for line in problem_lines(&args.input, &e) {
                        eprintln!("{line}");
                    }
                    return ExitCode::from(EXIT_INVALID);
                }
            }
        }
        doc => cues_of(doc),
    };
    let text = cuesheet::export_sheet(&cues, format, args.pretty);
    write_out(args.output.as_deref(), &text)
}

/// Writes `text` to `out` (atomically) or to standard output.
fn write_out(out: Option<&Path>, text: &str) -> ExitCode {
    match out {
        Some(out) => {
            if let Err(e) = cuesheet::write_atomic(out, text.as_bytes()) {
                eprintln!("{}: {e}", out.display());
                return ExitCode::from(EXIT_IO);
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                eprintln!("<stdout>: {e}");
                return ExitCode::from(EXIT_IO);
            }
        }
    }
    ExitCode::SUCCESS
}

pub fn info(args: &InfoArgs) -> ExitCode {
    let doc = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return ExitCode::from(code),
    };
    let (kind, title, cues) = match doc {
        Document::Show(s) => ("show", s.title, s.cues),
        Document::Sheet(c) => ("cue sheet", None, c),
    };
    let mut actions: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &cues {
        *actions.entry(c.action.as_str()).or_default() += 1;
    }
    let first = cues.iter().map(|c| c.time).min();
    let last = cues
        .iter()
        .map(|c| c.time.saturating_add(c.duration.unwrap_or(0)))
        .max();
    if args.json {
        let v = serde_json::json!({
            "kind": kind,
            "title": title,
            "cues": cues.len(),
            "firstMs": first,
            "endMs": last,
            "actions": actions,
        });
        outln!("{v}");
        return ExitCode::SUCCESS;
    }
    outln!("file:    {}", args.file.display());
    outln!("kind:    {kind}");
    if let Some(t) = &title {
        outln!("title:   {t}");
    }
    outln!("cues:    {}", cues.len());
    match (first, last) {
        (Some(a), Some(b)) => outln!(
            "span:    {} – {} ({} ms)",
            cuesheet::format_time_ms(a),
            cuesheet::format_time_ms(b),
            b - a
        ),
        _ => outln!("span:    (no cues)"),
    }
    outln!("actions:");
    let width = actions.keys().map(|a| a.chars().count()).max().unwrap_or(0);
    for (action, n) in &actions {
        outln!("  {action:<width$}  {n}");
    }
    ExitCode::SUCCESS
}
