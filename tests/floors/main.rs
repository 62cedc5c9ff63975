//! The floors inside every crate of the workspace, checked from the source.
//!
//! Each crate is a house of floors (see `DESIGN.md`): a module may import only what lies on a floor
//! beneath its own, or what lies in its own room. This test parses every `.rs` file under each
//! crate's `src/` with `syn`, follows the `mod` declarations from `lib.rs` / `main.rs` (a file
//! `a/b.rs` or `a/b/mod.rs` is module `a::b`; inline `mod x { … }` blocks and `#[path]` are
//! followed too) and collects every path that names a module of the same crate: `crate::…`,
//! `super::…` and `self::…` paths, and paths that start with a child module's name — in `use` trees
//! (groups and globs included), in expressions, types and patterns, in the token streams of macro
//! calls and attributes (`crate :: cli :: say` or `child :: x` inside `format!` counts), and in an
//! attribute's strings that read as paths (serde's `with = "crate::pages::money"`). `super::` is
//! resolved against the module it is written in, and a path names the deepest module it reaches.
//!
//! Each crate has ONE table, [`Floors`]: module path prefixes, each with a floor number and a room
//! name. A module belongs to the entry with the longest prefix that is the module itself or one of
//! its ancestors (the crate root's entry, `""`, covers only the root), so an entry for `scenario`
//! places every module under `src/scenario/` in the room `scenario`. A path from module A to module
//! B is allowed when B's floor is lower than A's, or when A and B are in the same room (a module
//! may use its own room's submodules and parents). Anything else runs upward or sideways (same
//! floor, another room) and fails the test, naming the file and line, the path, both modules and
//! their floors. Tests follow the same rule: a `mod tests` sits in its parent's room, so it may use
//! its parent (`super::`) and whatever lies beneath, nothing else. A module no entry covers fails
//! (place it on a floor), and so does an entry that covers no module (remove it).
//!
//! The tables are in `tables.rs`; `modules.rs` reads a crate's modules and paths; this file holds
//! the rule. To add a module: give it an entry in its crate's table when it starts a new room; a
//! module inside an existing room's folder needs none. A path that runs the wrong way is fixed, not
//! excused: there is no list of exceptions.

mod modules;
mod tables;

use modules::{join, rust_files, target_module, Collector, Crate};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use syn::visit::Visit;
use tables::{Floors, CRATES, MARKETSIM, PROTOCOL};

/// The entry of `floors` covering `module`: the longest prefix that is the module or an ancestor.
fn entry_of(floors: Floors, module: &str) -> Option<(&'static str, u32, &'static str)> {
    floors
        .iter()
        .filter(|(prefix, _, _)| {
            *prefix == module || (!prefix.is_empty() && module.starts_with(&format!("{prefix}::")))
        })
        .max_by_key(|(prefix, _, _)| prefix.len())
        .copied()
}

#[test]
fn every_path_between_modules_runs_down_a_floor_or_stays_in_its_room() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = String::new();
    // (file, path) → (line, message), the first place each path is written in a file.
    let mut reports: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();

    for (folder, floors) in CRATES {
        let src = workspace.join(folder).join("src");
        let krate = Crate::read(&src);
        let relative = |file: &Path| file.strip_prefix(workspace).unwrap_or(file).display().to_string();

        for file in rust_files(&src) {
            if !krate.files.contains(&file) {
                let _ = writeln!(problems, "{}: no module declares this file", relative(&file));
            }
        }
        for module in krate.modules.keys() {
            if entry_of(floors, module).is_none() {
                let _ = writeln!(
                    problems,
                    "{folder}: module `{module}` ({}) is on no floor: give it an entry in the table",
                    relative(&krate.modules[module])
                );
            }
        }
        for (prefix, _, _) in floors.iter() {
            let covers = krate
                .modules
                .keys()
                .any(|m| m == prefix || (!prefix.is_empty() && m.starts_with(&format!("{prefix}::"))));
            if !covers {
                let _ = writeln!(
                    problems,
                    "{folder}: the table's entry `{prefix}` matches no module: remove it"
                );
            }
        }

        for found in &krate.found {
            let starts_local = matches!(found.path.split("::").next(), Some("crate" | "super" | "self"));
            let Some(target) = target_module(&krate, &found.resolved) else {
                continue;
            };
            // A path through a child module's name must name that child (or deeper), not the module itself.
            if !starts_local && target == found.module {
                continue;
            }
            let (Some(from), Some(to)) = (entry_of(floors, &found.module), entry_of(floors, &target)) else {
                continue;
            };
            let (_, from_floor, from_room) = from;
            let (_, to_floor, to_room) = to;
            if to_floor < from_floor || from_room == to_room {
                continue;
            }
            let direction = if to_floor > from_floor {
                "upward"
            } else {
                "sideways"
            };
            let key = (relative(&found.file), found.path.clone());
            reports.entry(key.clone()).or_insert_with(|| {
                let message = format!(
                    "{}:{}: `{}` runs {direction}: `{}` (floor {from_floor}, {from_room}) uses `{}` (floor {to_floor}, {to_room})",
                    key.0,
                    found.line,
                    found.path,
                    display_module(&found.module),
                    display_module(&target),
                );
                (found.line, message)
            });
        }
    }

    let mut wrong_way: Vec<(&String, &usize, &String)> = reports
        .iter()
        .map(|((file, _), (line, message))| (file, line, message))
        .collect();
    wrong_way.sort();
    for (_, _, message) in wrong_way {
        let _ = writeln!(problems, "{message}");
    }
    assert!(problems.is_empty(), "the floors do not hold:\n{problems}");
}

fn display_module(module: &str) -> &str {
    if module.is_empty() {
        "crate"
    } else {
        module
    }
}

/// The paths a source written as module `module` holds: (as written, resolved from the root).
fn paths_in(module: &[&str], source: &str) -> Vec<(String, String)> {
    let module = module.iter().map(|s| s.to_string()).collect();
    let mut collector = Collector::new(Path::new("test.rs"), module, PathBuf::new());
    collector.visit_file(&syn::parse_file(source).expect("the test's source parses"));
    collector
        .found
        .into_iter()
        .map(|f| (f.path, join(&f.resolved)))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn use_groups_globs_and_super_resolve_from_the_crate_root() {
    let found = paths_in(
        &["scenario", "runner", "buyer"],
        "use super::{error::StepError, Run};\n\
         use crate::scenario::{self, api::*};\n\
         use super::super::load as loaded;\n\
         use std::path::Path;",
    );
    assert_eq!(
        found,
        pairs(&[
            ("super::error::StepError", "scenario::runner::error::StepError"),
            ("super::Run", "scenario::runner::Run"),
            ("crate::scenario", "scenario"),
            ("crate::scenario::api::*", "scenario::api::*"),
            ("super::super::load", "scenario::load"),
            ("std::path::Path", "scenario::runner::buyer::std::path::Path"),
        ])
    );
}

#[test]
fn inline_paths_macro_tokens_and_attribute_strings_count_but_visibility_does_not() {
    let found = paths_in(
        &["serve"],
        "pub(crate) fn f(w: crate::world::World) {\n\
             crate::terminal::say(&[format!(\"{}\", crate::cli::NAME)]);\n\
             assert_eq!(self::flags::ON, report::lines::COUNT, \"{}\", ::std::process::id());\n\
         }\n\
         pub(super) struct S;\n\
         struct Row {\n\
             #[serde(with = \"crate::pages::money\", rename = \"Total\")] total: u64,\n\
             #[serde(serialize_with = \"super::answer::ids\", default = \"fresh\")] ids: u8,\n\
             #[serde(with = \"dates\")] #[cfg(feature = \"store\")] day: u32,\n\
         }\n\
         macro_rules! m { ($x:ident) => { $crate::x::y(); $x::z() } }",
    );
    assert_eq!(
        found,
        pairs(&[
            ("crate::world::World", "world::World"),
            ("crate::terminal::say", "terminal::say"),
            ("crate::cli::NAME", "cli::NAME"),
            ("self::flags::ON", "serve::flags::ON"),
            ("report::lines::COUNT", "serve::report::lines::COUNT"),
            ("crate::pages::money", "pages::money"),
            ("super::answer::ids", "answer::ids"),
            ("dates", "serve::dates"),
        ])
    );
}

#[test]
fn a_module_takes_the_entry_of_its_longest_listed_prefix() {
    let floor = |floors: Floors, module: &str| entry_of(floors, module).map(|(_, floor, room)| (floor, room));
    assert_eq!(
        floor(PROTOCOL, "openapi::v3::canonical"),
        Some((2, "V3 signature"))
    );
    assert_eq!(
        floor(PROTOCOL, "openapi::nonce"),
        Some((1, "OpenAPI encoding, timestamps, credentials, nonces"))
    );
    assert_eq!(
        floor(MARKETSIM, "scenario::runner::buyer"),
        Some((2, "scenario library"))
    );
    // The root's entry is the root alone: a new top-level module must be placed.
    assert_eq!(floor(&[("", 1, "root")], "anything"), None);
}

#[test]
fn every_member_of_the_workspace_has_a_table() {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("the workspace manifest");
    let members = manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix("members = ["))
        .expect("a one-line `members = [...]` in the workspace manifest");
    for member in members.trim_end_matches(']').split(',') {
        let member = member.trim().trim_matches('"');
        if !member.is_empty() {
            assert!(
                CRATES.iter().any(|(folder, _)| *folder == member),
                "workspace member `{member}` has no table of floors in tests/floors/tables.rs"
            );
        }
    }
}
