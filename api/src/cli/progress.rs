//! A progress bar for long imports when standard error is a terminal: a spinner while the file
//! is read and checked, then the rows written out of the rows read. Anywhere else (a script, a
//! pipe, a log file) the service logs progress lines instead. Standard output is never drawn
//! on: scripts read the report there.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use service::publication::{ProgressSink, Stage};

/// Imports of fewer rows are written before a bar would be read.
const BAR_FROM_ROWS: usize = 5_000;

/// The bar of one import, drawn on standard error.
pub struct ImportBar(ProgressBar);

impl ImportBar {
    /// A spinner for reading `file`, or `None` when standard error is not a terminal.
    pub fn start(file: &Path) -> Option<Self> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").ok()?);
        bar.set_message(format!("reading and checking {}", file.display()));
        bar.enable_steady_tick(Duration::from_millis(120));
        Some(Self(bar))
    }

    /// What the import tells: the rows read turn the spinner into a bar of rows written (or,
    /// for a small import, clear it).
    pub fn sink(&self) -> ProgressSink {
        let bar = self.0.clone();
        ProgressSink::new(move |stage| match stage {
            Stage::Read { rows } if rows < BAR_FROM_ROWS => bar.finish_and_clear(),
            Stage::Read { rows } => {
                if let Ok(style) = ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} rows written ({per_sec}, {eta} left)",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.set_message(format!("{rows} rows read and checked;"));
                bar.set_length(rows as u64);
                bar.reset_elapsed();
            }
            Stage::Written { written, .. } => bar.set_position(written as u64),
        })
    }

    /// Clears the bar, before the report is printed.
    pub fn finish(self) {
        self.0.finish_and_clear();
    }
}
