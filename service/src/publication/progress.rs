//! How far a long import has come: the rows read and checked, then the rows written. Whoever
//! starts the import may watch (the command line draws a bar on a terminal); nobody watching,
//! each step is logged at info level, which a server's log and a script's standard error keep.

use std::fmt;
use std::sync::Arc;

/// A step of an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The file is read and every row checked: `rows` are about to be written.
    Read { rows: usize },
    /// `written` of the `total` rows are in the transaction (not yet committed).
    Written { written: usize, total: usize },
}

/// Hears an import's progress, on the importing task: keep it quick.
#[derive(Clone)]
pub struct ProgressSink(Arc<dyn Fn(Stage) + Send + Sync>);

impl ProgressSink {
    pub fn new(hear: impl Fn(Stage) + Send + Sync + 'static) -> Self {
        Self(Arc::new(hear))
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// How many rows an import writes between two progress lines, when nobody watches.
const LOG_EVERY: usize = 1_000;

/// The progress of one write, told to its sink or logged.
pub(super) struct Progress<'a> {
    sink: Option<&'a ProgressSink>,
    total: usize,
    written: usize,
    logged: usize,
}

impl<'a> Progress<'a> {
    /// Starts a write of `total` checked rows.
    pub(super) fn start(sink: Option<&'a ProgressSink>, total: usize) -> Self {
        let progress = Self {
            sink,
            total,
            written: 0,
            logged: 0,
        };
        progress.tell(Stage::Read { rows: total });
        progress
    }

    /// `rows` more rows are written.
    pub(super) fn wrote(&mut self, rows: usize) {
        self.written += rows;
        if self.sink.is_some() || self.written >= self.logged + LOG_EVERY {
            self.logged = self.written;
            self.tell(Stage::Written {
                written: self.written,
                total: self.total,
            });
        }
    }

    fn tell(&self, stage: Stage) {
        match (self.sink, stage) {
            (Some(sink), stage) => (sink.0)(stage),
            (None, Stage::Read { rows }) => {
                tracing::info!("import: {rows} rows read and checked, writing");
            }
            (None, Stage::Written { written, total }) => {
                tracing::info!("import: {written} of {total} rows written");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A watcher hears the rows read, then every step written, in order, up to the total.
    /// Would catch a step lost between the statements of a write or counted twice.
    #[test]
    fn a_sink_hears_every_step() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = {
            let heard = Arc::clone(&heard);
            ProgressSink::new(move |stage| heard.lock().unwrap().push(stage))
        };
        let mut progress = Progress::start(Some(&sink), 2_500);
        for rows in [1_300, 1_200] {
            progress.wrote(rows);
        }
        assert_eq!(
            *heard.lock().unwrap(),
            [
                Stage::Read { rows: 2_500 },
                Stage::Written {
                    written: 1_300,
                    total: 2_500
                },
                Stage::Written {
                    written: 2_500,
                    total: 2_500
                },
            ]
        );
    }
}
