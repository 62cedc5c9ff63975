//! Reading a scenario file: size limit, YAML and schema errors with file:line:col (serde_yaml's own
//! locations), and the line each step starts on, so failures can point at it.

use super::model::Scenario;
use std::fmt;
use std::path::{Path, PathBuf};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A scenario file that could not be read, or a step that failed: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// 1-based step number, when a step is to blame.
    pub step: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(step) = self.step {
            write!(f, ": step {step}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A parsed scenario and the line each of its steps starts on.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: PathBuf,
    pub scenario: Scenario,
    pub step_lines: Vec<usize>,
}

pub fn load(file: &Path) -> Result<Loaded, Diagnostic> {
    let diag = |line: Option<usize>, column: Option<usize>, message: String| Diagnostic {
        file: file.to_owned(),
        line,
        column,
        step: None,
        message,
    };
    let size = std::fs::metadata(file)
        .map_err(|e| diag(None, None, format!("cannot read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(diag(
            None,
            None,
            format!("{size} bytes is more than a scenario may be ({MAX_FILE_BYTES})"),
        ));
    }
    let text = std::fs::read_to_string(file).map_err(|e| diag(None, None, format!("cannot read: {e}")))?;
    if text.trim().is_empty() {
        return Err(diag(
            Some(1),
            Some(1),
            "the file is empty; a scenario needs `name:` and `steps:`".into(),
        ));
    }
    let scenario: Scenario = serde_yaml::from_str(&text).map_err(|e| {
        let at = e.location();
        diag(
            at.as_ref().map(|l| l.line()),
            at.as_ref().map(|l| l.column()),
            e.to_string(),
        )
    })?;
    let step_lines = step_lines(&text);
    Ok(Loaded {
        file: file.to_owned(),
        scenario,
        step_lines,
    })
}

/// The 1-based line of each item of the top-level `steps:` list.
fn step_lines(text: &str) -> Vec<usize> {
    let mut lines = text.lines().enumerate();
    if !lines.any(|(_, l)| l.trim_end() == "steps:") {
        return Vec::new();
    }
    let mut indent = None;
    let mut out = Vec::new();
    for (n, line) in lines {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = line.len() - trimmed.len();
        if depth == 0 && !trimmed.starts_with('-') {
            break;
        }
        if trimmed.starts_with("- ") || trimmed == "-" {
            match indent {
                None => {
                    indent = Some(depth);
                    out.push(n + 1);
                }
                Some(i) if i == depth => out.push(n + 1),
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_lines_are_found_at_the_list_indent() {
        let text = "name: x\nsteps:\n  - buyer: { open: a }\n  # note\n  - expect:\n      page_contains: b\n  - clock: { advance: 1m }\n";
        assert_eq!(step_lines(text), [3, 5, 7]);
    }

    #[test]
    fn a_schema_error_names_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.yaml");
        std::fs::write(&file, "name: x\nsteps:\n  - buyer: { clik: 开通 }\n").unwrap();
        let d = load(&file).unwrap_err();
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("unknown field `clik`"), "{}", d.message);
        assert!(d.to_string().starts_with(&format!("{}:3:", file.display())));
    }

    #[test]
    fn an_empty_file_is_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("empty.yaml");
        std::fs::write(&file, "\n").unwrap();
        assert!(load(&file).unwrap_err().message.contains("the file is empty"));
    }
}
