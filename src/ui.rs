//! The only way out to the terminal: data on stdout, everything else on stderr.
//!
//! Colours follow `NO_COLOR` and are off when the stream is not a terminal. Progress bars
//! (indicatif) and prompts (dialoguer) live here and nowhere else.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A colour or emphasis for one span of text.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    Red,
    Green,
    Yellow,
    Cyan,
    Bold,
    Dim,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Red => "31",
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Cyan => "36",
            Style::Bold => "1",
            Style::Dim => "2",
        }
    }
}

/// Terminal facts and output helpers.
#[derive(Debug, Clone)]
pub struct Ui {
    pub stdout_color: bool,
    pub stderr_color: bool,
    pub stdin_tty: bool,
    pub stderr_tty: bool,
    pub quiet: bool,
}

impl Ui {
    /// Detects terminals; `no_color` is true when `NO_COLOR` is set (non-empty).
    pub fn detect(no_color: bool, quiet: bool) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        Self {
            stdout_color: stdout_tty && !no_color,
            stderr_color: stderr_tty && !no_color,
            stdin_tty: std::io::stdin().is_terminal(),
            stderr_tty,
            quiet,
        }
    }

    /// A Ui with no terminal at all (tests, the CMP).
    pub fn plain() -> Self {
        Self {
            stdout_color: false,
            stderr_color: false,
            stdin_tty: false,
            stderr_tty: false,
            quiet: false,
        }
    }

    /// True when a human can answer a prompt.
    pub fn can_prompt(&self) -> bool {
        self.stdin_tty && self.stderr_tty
    }

    pub fn paint(&self, on_stdout: bool, style: Style, text: &str) -> String {
        let enabled = if on_stdout {
            self.stdout_color
        } else {
            self.stderr_color
        };
        if enabled {
            format!("\x1b[{}m{text}\x1b[0m", style.code())
        } else {
            text.to_string()
        }
    }

    /// A status line on stderr (suppressed by `--quiet`).
    pub fn status(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    pub fn warn(&self, msg: &str) {
        eprintln!("{} {msg}", self.paint(false, Style::Yellow, "warning:"));
    }

    pub fn hint(&self, msg: &str) {
        eprintln!("{} {msg}", self.paint(false, Style::Cyan, "hint:"));
    }

    pub fn error_line(&self, label: &str, msg: &str) {
        eprintln!("{} {msg}", self.paint(false, Style::Red, label));
    }

    /// Writes data to stdout. A closed pipe surfaces as an io error the caller maps to exit 0.
    pub fn out(&self, data: &str) -> std::io::Result<()> {
        let mut o = std::io::stdout().lock();
        o.write_all(data.as_bytes())?;
        o.flush()
    }

    /// A progress bar on stderr; hidden when stderr is not a terminal or `--quiet`.
    pub fn progress(&self, len: u64, msg: &str) -> ProgressBar {
        if !self.stderr_tty || self.quiet {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new(len);
        pb.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb.set_message(msg.to_string());
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    }

    /// Asks a yes/no question on the terminal. Errors when there is no terminal: callers
    /// check [`Ui::can_prompt`] first and refuse instead.
    pub fn confirm(&self, question: &str) -> std::io::Result<bool> {
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .show_default(true)
            .wait_for_newline(true)
            .interact()
            .map_err(|e| match e {
                dialoguer::Error::IO(io) => io,
            })
    }
}

/// Adapts a progress bar to the cluster gatherer's callbacks.
pub struct BarProgress(pub ProgressBar);

impl crate::cluster::Progress for BarProgress {
    fn start(&self, total: usize) {
        self.0.set_length(total as u64);
    }
    fn step(&self, what: &str) {
        self.0.set_message(what.to_string());
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// A table in the product's style: condensed UTF-8 borders, wrapped to the terminal.
pub fn table<I, T>(header: I) -> comfy_table::Table
where
    I: IntoIterator<Item = T>,
    T: Into<comfy_table::Cell>,
{
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(
            header
                .into_iter()
                .map(Into::into)
                .collect::<Vec<comfy_table::Cell>>(),
        );
    fit(&mut t);
    t
}

/// Below this many columns a wrapped table is unreadable (one letter per line).
const MIN_TABLE_WIDTH: u16 = 40;

/// Wraps to the terminal only when it reports a usable width: some terminals (serial
/// consoles, a few CI ptys) report 0 columns, and wrapping to that collapses every cell.
pub fn fit(t: &mut comfy_table::Table) {
    let width = t.width();
    fit_to(t, width);
}

fn fit_to(t: &mut comfy_table::Table, terminal_width: Option<u16>) {
    if terminal_width.is_some_and(|w| w < MIN_TABLE_WIDTH) {
        t.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn a_zero_column_terminal_does_not_collapse_tables() {
        let mut t = table(["NAME", "MESSAGE"]);
        t.add_row(["web", "container app has no resource requests"]);
        t.set_width(0);
        fit_to(&mut t, Some(0));
        let out = t.to_string();
        assert!(
            out.contains("container app has no resource requests"),
            "{out}"
        );
    }
}
