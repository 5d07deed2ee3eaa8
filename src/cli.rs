//! The command line: `cuestudio [SHOW]` opens the editor; subcommands for pipelines.

use std::process::ExitCode;

pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
