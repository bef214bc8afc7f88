//! Records of a CSV table with their line numbers as an editor shows them.

use crate::RowError;

/// Line numbers as an editor shows them. The CSV reader's own are not: it counts `\n` only (a
/// file saved with `\r` line ends, as classic Mac spreadsheets do, is all on line 1), and a
/// record's position is where the reader stopped after the record before, so it is a line short
/// when blank lines or a `\r\n` (any file Excel saves on Windows) come before the record.
pub(super) struct Lines<'a> {
    content: &'a [u8],
    /// Line breaks are counted in `content[..counted]`.
    counted: usize,
    /// The line that starts at `counted`.
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(content: &'a [u8]) -> Self {
        Self {
            content,
            counted: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record the reader positions at byte `offset`: the first line at
    /// or after it that is not empty. Offsets do not decrease from call to call.
    fn of(&mut self, offset: u64) -> usize {
        let content = self.content;
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .clamp(self.counted, content.len());
        while matches!(content.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        for (i, byte) in content.iter().enumerate().take(start).skip(self.counted) {
            let ends_line = match byte {
                b'\n' => true,
                b'\r' => content.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += usize::from(ends_line);
        }
        self.counted = start;
        self.line
    }
}

/// The records of a table after its header, each with its line as an editor shows it; an
/// error for each record that cannot be read.
pub fn records(
    content: &[u8],
    reader: &mut csv::Reader<&[u8]>,
) -> (Vec<(usize, csv::StringRecord)>, Vec<RowError>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut lines = Lines::new(content);
    for (number, record) in reader.records().enumerate() {
        let mut line_of =
            |position: Option<&csv::Position>| position.map_or(number + 2, |p| lines.of(p.byte()));
        match record {
            Ok(record) if record.iter().all(|cell| cell.trim().is_empty()) => {}
            Ok(record) => {
                let line = line_of(record.position());
                records.push((line, record));
            }
            Err(error) => {
                let line = line_of(error.position());
                errors.push(RowError {
                    line,
                    column: None,
                    message: format!("unreadable row: {error}"),
                });
            }
        }
    }
    (records, errors)
}

#[cfg(test)]
mod tests {
    use crate::Tier;
    use crate::import::table::{Field, Layout, Numbers, open, read};

    /// The lines of the rows and of the errors read from a table `agency,points`.
    fn lines(content: &str, flexible: bool) -> (Vec<usize>, Vec<usize>) {
        let (mut reader, _) = open(content.as_bytes(), b',', flexible).expect("a header");
        let layout = Layout {
            year: Some(2020),
            tier: Some(Tier::District),
            ..Layout::of_columns(
                [
                    (Field::Agency, "agency".to_owned()),
                    (Field::AchievedPoints, "points".to_owned()),
                ],
                Numbers::Plain,
            )
        };
        let parsed = read(content.as_bytes(), &mut reader, &layout);
        (
            parsed.rows.iter().map(|row| row.line).collect(),
            parsed.errors.iter().map(|error| error.line).collect(),
        )
    }

    #[test]
    fn lines_are_counted_as_an_editor_shows_them_whatever_the_line_ends() {
        // Found by fuzzing: with `\r` line ends every row was on line 1, the header's; with
        // `\r\n` (Excel on Windows) or after a blank line, a row was reported a line too early.
        for content in [
            "agency,points\nA,1\nB,x\n\nC,3\n",
            "agency,points\r\nA,1\r\nB,x\r\n\r\nC,3\r\n",
            "agency,points\rA,1\rB,x\r\rC,3\r",
            "agency,points\nA,1\r\nB,x\r\rC,3",
        ] {
            assert_eq!(
                lines(content, true),
                (vec![2, 3, 5], vec![3]),
                "{content:?}"
            );
        }
    }

    #[test]
    fn a_cell_over_two_lines_moves_the_rows_after_it() {
        for content in [
            "agency,points\n\"A\nand B\",1\nC,x\n",
            "agency,points\r\n\"A\r\nand B\",1\r\nC,x\r\n",
            "agency,points\r\"A\rand B\",1\rC,x\r",
        ] {
            assert_eq!(lines(content, true), (vec![2, 4], vec![4]), "{content:?}");
        }
    }

    #[test]
    fn an_unreadable_row_is_reported_on_its_line() {
        for content in [
            "agency,points\nA,1\n\nB\n",
            "agency,points\r\nA,1\r\n\r\nB\r\n",
            "agency,points\rA,1\r\rB\r",
        ] {
            assert_eq!(lines(content, false), (vec![2], vec![4]), "{content:?}");
        }
    }
}
