//! Diagnostics: where (file, line, column, step) kept apart from what (the message), rendered like a
//! compiler's — the offending line, a caret, and a hint such as the nearest known field name.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The step's number as the transcript writes it (`5`, `3.2` inside an include).
    pub step: Option<String>,
    pub message: String,
    /// The text of `line`, for the caret.
    pub source_line: Option<String>,
    pub hint: Option<String>,
    /// What else the reader should know to see why it failed (a world ahead of a vendor's clock).
    pub note: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about `file` at `line`/`column`, with the line's text taken from `source`.
    pub fn at(
        file: PathBuf,
        source: Option<&str>,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    ) -> Self {
        let source_line = line
            .and_then(|l| source.and_then(|s| s.lines().nth(l.saturating_sub(1))))
            .map(str::to_owned);
        let message = strip_location(message);
        let hint = hint_for(&message, source_line.as_deref());
        Diagnostic {
            file,
            line,
            column,
            step: None,
            message,
            source_line,
            hint,
            note: None,
        }
    }

    /// `file:line:col: step N: message` on one line, for progress output.
    pub fn headline(&self) -> String {
        let mut out = self.file.display().to_string();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                out.push_str(&format!(":{column}"));
            }
        }
        if let Some(step) = &self.step {
            out.push_str(&format!(": step {step}"));
        }
        let first = self.message.lines().next().unwrap_or_default();
        format!("{out}: {first}")
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        write!(f, "  --> {}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(step) = &self.step {
            write!(f, " (step {step})")?;
        }
        writeln!(f)?;
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            let gutter = " ".repeat(line.to_string().len());
            writeln!(f, "{gutter} |")?;
            writeln!(f, "{line} | {text}")?;
            let caret_at = self
                .column
                .unwrap_or_else(|| text.len() - text.trim_start().len() + 1);
            let pad: String = text
                .chars()
                .take(caret_at.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{gutter} | {pad}^")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        if let Some(note) = &self.note {
            writeln!(f, "  = note: {note}")?;
        }
        Ok(())
    }
}

/// serde_yaml ends its messages with " at line L column C", which the diagnostic already shows.
fn strip_location(message: String) -> String {
    match message.rfind(" at line ") {
        Some(at) if message[at..].split_whitespace().count() == 5 => message[..at].to_owned(),
        _ => message,
    }
}

/// A hint for the common mistakes: tabs, a misspelt field or step kind, a missing field.
fn hint_for(message: &str, line: Option<&str>) -> Option<String> {
    if line.is_some_and(|l| l.contains('\t')) || message.contains("tab") {
        return Some("YAML indents with spaces, not tabs".into());
    }
    if let Some(rest) = message
        .split("unknown field `")
        .nth(1)
        .or_else(|| message.split("unknown variant `").nth(1))
    {
        let wrong = rest.split('`').next().unwrap_or_default();
        let known: Vec<&str> = message
            .split("expected one of ")
            .nth(1)
            .or_else(|| message.split("expected ").nth(1))?
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        return match nearest(wrong, &known) {
            Some(best) => Some(format!("did you mean `{best}`?")),
            None => Some(format!("known here: {}", known.join(", "))),
        };
    }
    if message.starts_with("missing field `name`") || message.starts_with("missing field `steps`") {
        return Some("a scenario needs `name:` and `steps:` at the top level".into());
    }
    None
}

/// The known word closest to `wrong`, if it is close enough to be a typo.
pub fn nearest<'a>(wrong: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(wrong, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push((previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_suggests_the_nearest_one() {
        let d = Diagnostic::at(
            "x.yaml".into(),
            Some("name: x\nsteps:\n  - buyer: { clik: 开通 }\n"),
            Some(3),
            Some(14),
            "steps[0]: unknown field `clik`, expected one of `sign_in`, `open`, `click`, `submit`".into(),
        );
        assert_eq!(d.hint.as_deref(), Some("did you mean `click`?"));
        let shown = d.to_string();
        assert!(shown.contains("3 |   - buyer: { clik: 开通 }"), "{shown}");
        assert!(shown.contains("  |              ^"), "{shown}");
        assert!(d.headline().starts_with("x.yaml:3:14: steps[0]: unknown field"));
    }

    #[test]
    fn a_tab_gets_a_hint_and_far_words_list_the_known_ones() {
        let tab = Diagnostic::at(
            "t.yaml".into(),
            Some("a:\n\tb: 1\n"),
            Some(2),
            Some(1),
            "found a tab".into(),
        );
        assert_eq!(tab.hint.as_deref(), Some("YAML indents with spaces, not tabs"));
        let far = hint_for(
            "unknown variant `frobnicate`, expected one of `buyer`, `clock`",
            None,
        );
        assert_eq!(far.as_deref(), Some("known here: buyer, clock"));
    }
}
