//! Reading scenario files into a plan: the size limit, YAML and schema errors with file:line:col
//! (serde_yaml's own locations), includes expanded in place with their parameters — each step
//! keeping the file and line it came from — and circular includes refused.

// A diagnostic is built once per failing file, on the cold path; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub use super::diagnostic::Diagnostic;
use super::model::{Part, Scenario, Step};
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Includes nested deeper than this are refused (a cycle is caught sooner; this bounds the rest).
const MAX_INCLUDE_DEPTH: usize = 16;

/// Reusable parts end with this and are not scenarios of their own.
pub const PART_SUFFIX: &str = ".steps.yaml";

/// One step to run, with where it came from.
#[derive(Debug, Clone)]
pub struct PlannedStep {
    /// The step as written, `with:` parameters already substituted; `${vars}` are filled at run time.
    pub raw: Value,
    pub file: PathBuf,
    pub line: Option<usize>,
    /// `5`, or `3.2` for the second step of the part included at step 3.
    pub number: String,
    /// The text of `file`, as read when loading: a diagnostic at this step shows its line from
    /// here, so a failing step never reads the file again.
    pub source: Arc<str>,
}

/// A scenario ready to run.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: PathBuf,
    pub scenario: Scenario,
    pub plan: Vec<PlannedStep>,
}

fn read(file: &Path) -> Result<String, Diagnostic> {
    let fail = |message: String| Diagnostic::at(file.to_owned(), None, None, None, message);
    let size = std::fs::metadata(file)
        .map_err(|e| fail(format!("cannot read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(fail(format!(
            "{size} bytes is more than a scenario file may be ({MAX_FILE_BYTES})"
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| fail(format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        Diagnostic::at(
            file.to_owned(),
            None,
            Some(line),
            None,
            "the file is not UTF-8 text".into(),
        )
    })?;
    if text.trim().is_empty() {
        return Err(Diagnostic::at(
            file.to_owned(),
            None,
            Some(1),
            Some(1),
            "the file is empty; a scenario needs `name:` and `steps:`".into(),
        ));
    }
    Ok(text)
}

/// Parses `text` as `T`, with serde_yaml's location on failure.
fn parse<T: serde::de::DeserializeOwned>(file: &Path, text: &str) -> Result<(T, Value), Diagnostic> {
    let located = |e: serde_yaml::Error| {
        let at = e.location();
        Diagnostic::at(
            file.to_owned(),
            Some(text),
            at.as_ref().map(|l| l.line()),
            at.as_ref().map(|l| l.column()),
            e.to_string(),
        )
    };
    let typed: T = serde_yaml::from_str(text).map_err(located)?;
    let raw: Value = serde_yaml::from_str(text).map_err(located)?;
    Ok((typed, raw))
}

/// Reads a scenario and expands its includes.
pub fn load(file: &Path) -> Result<Loaded, Diagnostic> {
    let text: Arc<str> = read(file)?.into();
    let (scenario, raw): (Scenario, Value) = parse(file, &text)?;
    let mut plan = Vec::new();
    let mut stack = vec![(canonical(file), file.to_owned())];
    expand(file, &text, &scenario.steps, &raw, "", &mut stack, &mut plan)?;
    Ok(Loaded {
        file: file.to_owned(),
        scenario,
        plan,
    })
}

/// `a/b/../c` as `a/c`, without touching the file system (paths stay as the user wrote them).
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn canonical(file: &Path) -> PathBuf {
    std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned())
}

fn expand(
    file: &Path,
    text: &Arc<str>,
    steps: &[Step],
    raw: &Value,
    prefix: &str,
    stack: &mut Vec<(PathBuf, PathBuf)>,
    plan: &mut Vec<PlannedStep>,
) -> Result<(), Diagnostic> {
    let raw_steps = raw
        .get("steps")
        .and_then(Value::as_sequence)
        .cloned()
        .unwrap_or_default();
    let lines = step_lines(text);
    for (i, (step, raw_step)) in steps.iter().zip(raw_steps).enumerate() {
        let number = format!("{prefix}{}", i + 1);
        let line = lines.get(i).copied();
        let at = |message: String| {
            let mut d = Diagnostic::at(file.to_owned(), Some(text), line, None, message);
            d.step = Some(number.clone());
            d
        };
        let Step::Include(include) = step else {
            plan.push(PlannedStep {
                raw: raw_step,
                file: file.to_owned(),
                line,
                number,
                source: text.clone(),
            });
            continue;
        };
        let part_file = tidy(&file.parent().unwrap_or(Path::new(".")).join(&include.file));
        let key = canonical(&part_file);
        if let Some(start) = stack.iter().position(|(f, _)| *f == key) {
            let cycle: Vec<String> = stack[start..]
                .iter()
                .map(|(_, shown)| shown.display().to_string())
                .chain([part_file.display().to_string()])
                .collect();
            return Err(at(format!("circular include: {}", cycle.join(" → "))));
        }
        if stack.len() > MAX_INCLUDE_DEPTH {
            return Err(at(format!("includes nest deeper than {MAX_INCLUDE_DEPTH}")));
        }
        if !part_file.is_file() {
            return Err(at(format!(
                "included file {} does not exist",
                part_file.display()
            )));
        }
        let part_text: Arc<str> = read(&part_file)?.into();
        let (part, part_raw): (Part, Value) = parse(&part_file, &part_text)?;
        for name in &part.params {
            if !include.with.contains_key(name) {
                return Err(at(format!("{} needs `{name}` in `with:`", include.file)));
            }
        }
        for given in include.with.keys() {
            if !part.params.contains(given) {
                let known: Vec<&str> = part.params.iter().map(String::as_str).collect();
                let mut d = at(format!(
                    "{} has no parameter `{given}` (it takes: {})",
                    include.file,
                    known.join(", ")
                ));
                d.hint = super::diagnostic::nearest(given, &known).map(|k| format!("did you mean `{k}`?"));
                return Err(d);
            }
        }
        let part_raw = substitute(&part_raw, &include.with, false)
            .map_err(|name| at(format!("unknown parameter ${{{name}}}")))?;
        stack.push((key, part_file.clone()));
        expand(
            &part_file,
            &part_text,
            &part.steps,
            &part_raw,
            &format!("{number}."),
            stack,
            plan,
        )?;
        stack.pop();
    }
    Ok(())
}

/// `value` with `${name}` replaced from `vars` in every string. With `strict`, an unknown name is
/// an error (returned); otherwise it is left for later.
pub fn substitute(value: &Value, vars: &BTreeMap<String, String>, strict: bool) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => Value::String(substitute_str(s, vars, strict)?),
        Value::Sequence(items) => Value::Sequence(
            items
                .iter()
                .map(|v| substitute(v, vars, strict))
                .collect::<Result<_, _>>()?,
        ),
        Value::Mapping(map) => {
            let mut out = serde_yaml::Mapping::new();
            for (k, v) in map {
                out.insert(substitute(k, vars, strict)?, substitute(v, vars, strict)?);
            }
            Value::Mapping(out)
        }
        Value::Tagged(t) => substitute(&t.value, vars, strict)?,
        other => other.clone(),
    })
}

fn substitute_str(s: &str, vars: &BTreeMap<String, String>, strict: bool) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &after[..end];
        match vars.get(name) {
            Some(value) => out.push_str(value),
            None if strict => return Err(name.to_owned()),
            None => out.push_str(&rest[start..start + 3 + end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
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

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        file
    }

    #[test]
    fn step_lines_are_found_at_the_list_indent() {
        let text = "name: x\nsteps:\n  - buyer: { open: a }\n  # note\n  - expect:\n      page_contains: b\n  - clock: { advance: 1m }\n";
        assert_eq!(step_lines(text), [3, 5, 7]);
    }

    #[test]
    fn a_schema_error_names_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "bad.yaml",
            "name: x\nsteps:\n  - buyer: { clik: 开通 }\n",
        );
        let d = load(&file).unwrap_err();
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("unknown field `clik`"), "{}", d.message);
        assert_eq!(d.hint.as_deref(), Some("did you mean `click`?"));
    }

    #[test]
    fn an_empty_file_is_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "empty.yaml", "\n");
        assert!(load(&file).unwrap_err().message.contains("the file is empty"));
    }

    #[test]
    fn includes_expand_in_place_with_their_parameters_and_their_own_lines() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "open.steps.yaml", "params: [who]\nsteps:\n  - buyer: { sign_in: \"${who}\" }\n  - expect: { page_contains: \"${later}\" }\n");
        let file = write(
            dir.path(),
            "main.yaml",
            "name: x\nsteps:\n  - clock: { advance: 1m }\n  - include: { file: open.steps.yaml, with: { who: buyer-1 } }\n",
        );
        let loaded = load(&file).unwrap();
        let numbers: Vec<&str> = loaded.plan.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["1", "2.1", "2.2"]);
        assert_eq!(loaded.plan[1].line, Some(3));
        assert!(loaded.plan[1].file.ends_with("open.steps.yaml"));
        assert_eq!(
            serde_yaml::to_string(&loaded.plan[1].raw).unwrap().trim(),
            "buyer:\n  sign_in: buyer-1"
        );
        assert!(
            serde_yaml::to_string(&loaded.plan[2].raw)
                .unwrap()
                .contains("${later}"),
            "left for run time"
        );
    }

    #[test]
    fn a_circular_include_and_a_wrong_parameter_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.steps.yaml",
            "steps:\n  - include: { file: b.steps.yaml }\n",
        );
        write(
            dir.path(),
            "b.steps.yaml",
            "steps:\n  - include: { file: a.steps.yaml }\n",
        );
        let file = write(
            dir.path(),
            "main.yaml",
            "name: x\nsteps:\n  - include: { file: a.steps.yaml }\n",
        );
        let d = load(&file).unwrap_err();
        assert!(d.message.starts_with("circular include: "), "{}", d.message);
        assert_eq!(d.step.as_deref(), Some("1.1.1"));
        write(
            dir.path(),
            "p.steps.yaml",
            "params: [buyer]\nsteps:\n  - buyer: { sign_in: \"${buyer}\" }\n",
        );
        let file = write(
            dir.path(),
            "w.yaml",
            "name: x\nsteps:\n  - include: { file: p.steps.yaml, with: { byer: b } }\n",
        );
        let d = load(&file).unwrap_err();
        assert!(d.message.contains("needs `buyer`"), "{}", d.message);
    }

    #[test]
    fn strict_substitution_names_the_unknown_variable() {
        let vars = BTreeMap::from([("a".to_string(), "1".to_string())]);
        assert_eq!(substitute_str("x${a}y${a}", &vars, true).unwrap(), "x1y1");
        assert_eq!(substitute_str("${b}", &vars, true).unwrap_err(), "b");
        assert_eq!(substitute_str("${b}", &vars, false).unwrap(), "${b}");
        assert_eq!(substitute_str("open ${", &vars, true).unwrap(), "open ${");
    }
}
