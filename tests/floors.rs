//! The floors inside every crate of the workspace, checked from the source.
//!
//! Each crate is a house of floors (see `DESIGN.md`): a module may import only what lies on a floor
//! beneath its own, or what lies in its own room. This test parses every `.rs` file under each
//! crate's `src/` with `syn`, follows the `mod` declarations from `lib.rs` / `main.rs` (a file
//! `a/b.rs` or `a/b/mod.rs` is module `a::b`; inline `mod x { … }` blocks and `#[path]` are
//! followed too) and collects every path that names a module of the same crate: `crate::…`,
//! `super::…` and `self::…` paths, and paths that start with a child module's name — in `use` trees
//! (groups and globs included), in expressions, types and patterns, and in the token streams of
//! macro calls and attributes (`crate :: cli :: say` inside `format!` counts). `super::` is resolved
//! against the module it is written in, and a path names the deepest module it reaches.
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
//! To add a module: give it an entry in its crate's table below when it starts a new room; a
//! module inside an existing room's folder needs none. [`KNOWN_VIOLATIONS`] lists, file and path,
//! the paths that still run the wrong way (the simulator's and the console stub's while they are
//! rebuilt on their floors, and `store-file`'s `Layout`); it must match exactly, so a new violation
//! fails and so does a listed one that no longer occurs (remove it from the list).

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// One crate's floors: (module path prefix, floor, room). Higher floors may use lower ones.
type Floors = &'static [(&'static str, u32, &'static str)];

/// The root package `marketsim`: CLI commands → scenario library → world wiring.
const MARKETSIM: Floors = &[
    ("", 6, "binary and library roots"),
    ("cli", 5, "command line"),
    ("serve", 4, "serve command"),
    ("console_cmd", 4, "console command"),
    ("sandbox", 4, "sandbox command"),
    ("bench", 4, "bench command"),
    // What every command shares, beneath them all.
    ("allow_host", 3, "allow-host flag"),
    ("terminal", 3, "terminal"),
    // Load, run, judge, report through a callback: never a command's room or the terminal.
    ("scenario", 2, "scenario library"),
    ("world", 1, "world wiring"),
];

/// `protocol`: the client over the signers over what both signatures share; the clock over time.
const PROTOCOL: Floors = &[
    ("", 4, "crate root"),
    ("openapi::client", 3, "OpenAPI client"),
    ("openapi::v3", 2, "V3 signature"),
    ("openapi::v1", 2, "V1 signature"),
    ("openapi", 1, "OpenAPI encoding, timestamps, credentials, nonces"),
    ("spi", 2, "SPI token"),
    ("clock", 1, "clock"),
    ("ids", 1, "ids"),
    ("time", 0, "marketplace time"),
];

/// `serving`: the server over the pieces it puts together.
const SERVING: Floors = &[
    ("", 2, "crate root"),
    ("server", 1, "server"),
    ("body", 0, "body limits"),
    ("hosts", 0, "allowed hosts"),
    ("limits", 0, "limits"),
    ("page", 0, "plain pages"),
];

/// `store-file`: the checks in the order they run (log over the files it reads), over checksums
/// and the refusals they all return.
const STORE_FILE: Floors = &[
    ("", 3, "crate root"),
    ("log", 2, "log"),
    ("header", 1, "header"),
    ("wal", 1, "WAL"),
    ("shm", 1, "shared memory index"),
    ("content", 1, "content"),
    ("create", 1, "create"),
    ("testing", 1, "testing"),
    ("checksum", 0, "checksums"),
    ("refusal", 0, "refusals"),
];

/// `simulator`: router → pages, OpenAPI, control API side by side → the marketplace's rules → the
/// state handle → the SPI transport → the store and the world at the ground.
const SIMULATOR: Floors = &[
    ("", 5, "router"),
    ("pages", 4, "pages"),
    // The pages' error type: rendered by the pages, so it lives in their room.
    ("error", 4, "pages"),
    ("openapi", 4, "OpenAPI"),
    ("control", 4, "control API"),
    ("purchase", 3, "purchase"),
    ("provisioning", 3, "provisioning"),
    ("state", 2, "state handle"),
    ("spi_client", 1, "SPI transport"),
    ("store", 0, "store"),
    ("world", 0, "world"),
];

/// `console-stub`: router → pages, SPI and verify endpoints → the request's session and form →
/// users, orgs, instances → configuration and the store → the world.
const CONSOLE_STUB: Floors = &[
    ("", 5, "router"),
    ("pages", 4, "pages"),
    ("billing_page", 4, "pages"),
    ("wizard", 4, "pages"),
    // Errors are rendered by the pages.
    ("error", 4, "pages"),
    ("spi", 4, "SPI endpoint"),
    ("verify", 4, "verify endpoint"),
    ("session", 3, "session"),
    ("form", 3, "forms"),
    ("accounts", 2, "users"),
    ("orgs", 2, "orgs"),
    ("instances", 2, "instances"),
    ("config", 1, "configuration"),
    ("store", 1, "store"),
    ("world", 0, "world"),
];

/// (file, path) pairs that still run upward or sideways. The simulator's and the console stub's
/// are being rebuilt on their floors: empty their part as that lands. `store-file` keeps its
/// `Layout` type in `lib.rs`, above the checks that read it: move it to a room of its own beneath
/// them (`pub use layout::Layout` keeps the public path) and drop its two entries.
const KNOWN_VIOLATIONS: &[(&str, &str)] = &[
    // simulator
    (
        "simulator/src/pages/cross_account.rs",
        "crate::openapi::ops::notifications::cross_account::issue_token",
    ),
    (
        "simulator/src/pages/cross_account.rs",
        "crate::openapi::ops::notifications::cross_account::link_vendor",
    ),
    (
        "simulator/src/pages/cross_account.rs",
        "crate::openapi::ops::notifications::cross_account::roles",
    ),
    ("simulator/src/state.rs", "crate::openapi::auth::NonceCache"),
    (
        "simulator/src/state.rs",
        "crate::openapi::auth::NonceCache::default",
    ),
    ("simulator/src/state.rs", "crate::openapi::ops::seed_all"),
    ("simulator/src/state.rs", "crate::provisioning::JobRunner"),
    (
        "simulator/src/store/mod.rs",
        "crate::openapi::ops::catalog::SCHEMA",
    ),
    (
        "simulator/src/store/mod.rs",
        "crate::openapi::ops::instances::SCHEMA",
    ),
    (
        "simulator/src/store/mod.rs",
        "crate::openapi::ops::licenses::SCHEMA",
    ),
    (
        "simulator/src/store/mod.rs",
        "crate::openapi::ops::metering::SCHEMA",
    ),
    (
        "simulator/src/store/mod.rs",
        "crate::openapi::ops::notifications::SCHEMA",
    ),
    (
        "simulator/src/store/mod.rs",
        "crate::openapi::ops::projects::SCHEMA",
    ),
    // console-stub
    ("console-stub/src/accounts.rs", "crate::error::ConsoleError"),
    ("console-stub/src/accounts.rs", "crate::orgs::Org"),
    ("console-stub/src/accounts.rs", "crate::orgs::insert_org"),
    ("console-stub/src/billing_page.rs", "crate::Console"),
    ("console-stub/src/form.rs", "crate::error::PageError"),
    ("console-stub/src/orgs.rs", "crate::accounts::User"),
    ("console-stub/src/pages/console.rs", "crate::Console"),
    ("console-stub/src/pages/login.rs", "crate::Console"),
    ("console-stub/src/pages/mod.rs", "crate::Console"),
    ("console-stub/src/session.rs", "crate::Console"),
    ("console-stub/src/session.rs", "crate::error::PageError"),
    ("console-stub/src/spi.rs", "crate::Console"),
    ("console-stub/src/store.rs", "crate::accounts"),
    ("console-stub/src/store.rs", "crate::error::ConsoleError"),
    ("console-stub/src/verify.rs", "crate::Console"),
    ("console-stub/src/verify.rs", "crate::error::PageError"),
    ("console-stub/src/verify.rs", "crate::wizard::handoff_query"),
    ("console-stub/src/wizard.rs", "crate::Console"),
    ("console-stub/src/world.rs", "crate::error::ConsoleError"),
    // store-file
    ("store-file/src/content.rs", "crate::Layout"),
    ("store-file/src/create.rs", "crate::Layout"),
];

/// The crates checked: (folder under the workspace root, table).
const CRATES: &[(&str, Floors)] = &[
    (".", MARKETSIM),
    ("protocol", PROTOCOL),
    ("serving", SERVING),
    ("store-file", STORE_FILE),
    ("simulator", SIMULATOR),
    ("console-stub", CONSOLE_STUB),
];

/// A path found in a module, and where.
struct Found {
    file: PathBuf,
    line: usize,
    module: String,
    /// As written, `::`-joined (a `use` group gives one path per leaf; a glob ends in `*`).
    path: String,
    /// The segments it names, resolved from the crate root (`super` and `self` taken away).
    resolved: Vec<String>,
}

/// A crate's modules and the paths between them.
#[derive(Default)]
struct Crate {
    /// Module path → the file it is written in.
    modules: BTreeMap<String, PathBuf>,
    found: Vec<Found>,
    /// Files the module tree reaches.
    files: BTreeSet<PathBuf>,
    /// `pub use` leaves: the name a module re-exports (`state::Simulator` as `Simulator` of the
    /// root) → what it names, resolved from the crate root.
    reexports: BTreeMap<String, Vec<String>>,
}

fn join(segments: &[String]) -> String {
    segments.join("::")
}

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut krate = Crate::default();
        for root in ["lib.rs", "main.rs"] {
            let file = src.join(root);
            if file.exists() {
                krate.read_file(&file, Vec::new(), src.to_path_buf());
            }
        }
        krate
    }

    /// Reads the module `module` from `file`; its `mod x;` children live in `child_dir`.
    fn read_file(&mut self, file: &Path, module: Vec<String>, child_dir: PathBuf) {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        self.files.insert(file.to_path_buf());
        self.modules.insert(join(&module), file.to_path_buf());
        let mut collector = Collector::new(file, module, child_dir);
        collector.visit_file(&ast);
        let Collector {
            found,
            declared,
            inline,
            reexports,
            ..
        } = collector;
        for module in inline {
            self.modules.insert(join(&module), file.to_path_buf());
        }
        self.reexports.extend(reexports);
        // Children first, so every module is known before a path is resolved against them.
        for (child, child_file, grandchild_dir) in declared {
            self.read_file(&child_file, child, grandchild_dir);
        }
        self.found.extend(found);
    }
}

/// Walks one file: its `mod` declarations and every path in it.
struct Collector {
    file: PathBuf,
    /// The module being walked (inline blocks pushed on it).
    module: Vec<String>,
    /// Where `mod x;` of the module being walked finds `x.rs` or `x/mod.rs`.
    child_dir: PathBuf,
    /// How many inline `mod x { … }` blocks deep the walk is.
    inline_depth: usize,
    /// Whether the `use` being walked is `pub` (a re-export).
    reexporting: bool,
    found: Vec<Found>,
    /// Declared file modules: (module path, file, where its own children live).
    declared: Vec<(Vec<String>, PathBuf, PathBuf)>,
    /// Inline modules, written in this file.
    inline: Vec<Vec<String>>,
    /// `pub use` leaves: (the re-exported name's full path, what it names).
    reexports: Vec<(String, Vec<String>)>,
}

impl Collector {
    fn new(file: &Path, module: Vec<String>, child_dir: PathBuf) -> Collector {
        Collector {
            file: file.to_path_buf(),
            module,
            child_dir,
            inline_depth: 0,
            reexporting: false,
            found: Vec::new(),
            declared: Vec::new(),
            inline: Vec::new(),
            reexports: Vec::new(),
        }
    }

    /// `segments` resolved from the crate root: `crate` dropped, `self` and `super` taken from this
    /// module, and a first segment that is no keyword read as a child of this module (whether it is
    /// one, or an outside crate, the module list decides).
    fn resolve(&self, segments: &[String]) -> Vec<String> {
        let mut resolved = match segments[0].as_str() {
            "crate" => Vec::new(),
            "self" | "super" => self.module.clone(),
            first => {
                let mut child = self.module.clone();
                child.push(first.to_owned());
                child
            }
        };
        let mut rest = segments[1..].iter().peekable();
        if segments[0] == "super" {
            resolved.pop();
            while rest.next_if(|s| *s == "super").is_some() {
                resolved.pop();
            }
        }
        resolved.extend(rest.cloned());
        resolved
    }

    fn record(&mut self, segments: Vec<String>, line: usize) {
        if segments.is_empty() {
            return;
        }
        self.found.push(Found {
            file: self.file.clone(),
            line,
            module: join(&self.module),
            resolved: self.resolve(&segments),
            path: join(&segments),
        });
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.use_leaf(prefix, &n.ident, &n.ident),
            syn::UseTree::Rename(r) => self.use_leaf(prefix, &r.ident, &r.rename),
            syn::UseTree::Glob(g) => {
                let mut path = prefix.clone();
                path.push("*".to_owned());
                self.record(path, g.star_token.span().start().line);
            }
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    /// One name a `use` brings in, as `alias`.
    fn use_leaf(&mut self, prefix: &[String], name: &syn::Ident, alias: &syn::Ident) {
        let mut path = prefix.to_vec();
        // `use super::{self, x}`: `self` names the prefix itself.
        if name != "self" || path.is_empty() {
            path.push(name.to_string());
        }
        if self.reexporting && alias != "self" {
            let mut exported = self.module.clone();
            exported.push(alias.to_string());
            self.reexports.push((join(&exported), self.resolve(&path)));
        }
        self.record(path, name.span().start().line);
    }

    /// Finds `crate :: a :: b` and `super :: a` in a token stream (a macro call's or an attribute's
    /// arguments), groups included; `$crate` of a macro definition is not a path of this module.
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => {
                    if g.delimiter() != Delimiter::None || !g.stream().is_empty() {
                        self.tokens(g.stream());
                    }
                    i += 1;
                }
                TokenTree::Ident(id) if (id == "crate" || id == "super") && is_path_sep(&trees, i + 1) => {
                    let after_dollar =
                        i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    let line = id.span().start().line;
                    let mut segments = vec![id.to_string()];
                    let mut j = i + 1;
                    while is_path_sep(&trees, j) {
                        match trees.get(j + 2) {
                            Some(TokenTree::Ident(next)) => {
                                segments.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    if !after_dollar {
                        self.record(segments, line);
                    }
                    i = j;
                }
                _ => i += 1,
            }
        }
    }
}

/// Whether `trees[at..]` starts with `::`.
fn is_path_sep(trees: &[TokenTree], at: usize) -> bool {
    matches!(
        (trees.get(at), trees.get(at + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':'
    )
}

fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.path().is_ident("path"))
        .map(|a| match &a.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }),
                ..
            }) => s.value(),
            _ => panic!("a #[path] attribute that is not a string"),
        })
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        for attr in &item.attrs {
            self.visit_attribute(attr);
        }
        let name = item.ident.to_string();
        let mut module = self.module.clone();
        module.push(name.clone());
        match &item.content {
            None => {
                let (file, grandchild_dir) = match path_attribute(&item.attrs) {
                    Some(path) => {
                        let base = if self.inline_depth == 0 {
                            self.file.parent().expect("a file has a folder").to_path_buf()
                        } else {
                            self.child_dir.clone()
                        };
                        let file = base.join(path);
                        let dir = file.with_extension("");
                        (file, dir)
                    }
                    None => {
                        let flat = self.child_dir.join(format!("{name}.rs"));
                        let nested = self.child_dir.join(&name).join("mod.rs");
                        let file = if flat.exists() { flat } else { nested };
                        (file, self.child_dir.join(&name))
                    }
                };
                self.declared.push((module, file, grandchild_dir));
            }
            Some((_, items)) => {
                let outer_dir = self.child_dir.clone();
                let outer = std::mem::replace(&mut self.module, module);
                self.child_dir = outer_dir.join(&name);
                self.inline_depth += 1;
                for item in items {
                    self.visit_item(item);
                }
                self.inline_depth -= 1;
                self.child_dir = outer_dir;
                // An inline module is a module of its own, written in this file.
                let inline = std::mem::replace(&mut self.module, outer);
                self.inline.push(inline);
            }
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        for attr in &item.attrs {
            self.visit_attribute(attr);
        }
        self.reexporting = !matches!(item.vis, syn::Visibility::Inherited);
        self.use_tree(&mut Vec::new(), &item.tree);
        self.reexporting = false;
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if path.leading_colon.is_none() && segments.len() > 1 {
            self.record(segments, path.span().start().line);
        }
        syn::visit::visit_path(self, path);
    }

    /// `pub(crate)`, `pub(super)`, `pub(in …)` say who may see an item, not what it uses.
    fn visit_vis_restricted(&mut self, _: &'ast syn::VisRestricted) {}

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        self.tokens(mac.tokens.clone());
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if let syn::Meta::List(list) = &attr.meta {
            self.tokens(list.tokens.clone());
        }
    }
}

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

/// The module `resolved` names: its deepest known module, or, where the next name is a re-export
/// of that module (`crate::Simulator` for `state::Simulator`), the module the re-export names.
fn target_module(krate: &Crate, resolved: &[String]) -> Option<String> {
    let mut resolved = resolved.to_vec();
    // Re-exports of re-exports are followed a few times; a cycle stops there.
    for _ in 0..8 {
        let depth = (0..=resolved.len())
            .rev()
            .find(|n| krate.modules.contains_key(&join(&resolved[..*n])))?;
        let module = join(&resolved[..depth]);
        let reexport = resolved.get(depth).and_then(|name| {
            let exported = if module.is_empty() {
                name.clone()
            } else {
                format!("{module}::{name}")
            };
            krate.reexports.get(&exported)
        });
        match reexport {
            Some(target) if depth < resolved.len() => {
                let mut next = target.clone();
                next.extend(resolved[depth + 1..].iter().cloned());
                resolved = next;
            }
            _ => return Some(module),
        }
    }
    None
}

#[test]
fn every_path_between_modules_runs_down_a_floor_or_stays_in_its_room() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = String::new();
    let mut violations: BTreeSet<(String, String)> = BTreeSet::new();
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
            violations.insert(key);
        }
    }

    let known: BTreeSet<(String, String)> = KNOWN_VIOLATIONS
        .iter()
        .map(|(file, path)| (file.to_string(), path.to_string()))
        .collect();
    let mut new: Vec<(&String, &usize, &String)> = violations
        .difference(&known)
        .map(|key| (&key.0, &reports[key].0, &reports[key].1))
        .collect();
    new.sort();
    for (_, _, message) in new {
        let _ = writeln!(problems, "{message}");
    }
    for (file, path) in known.difference(&violations) {
        let _ = writeln!(
            problems,
            "{file}: `{path}` no longer runs the wrong way: remove it from KNOWN_VIOLATIONS"
        );
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

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
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
fn inline_paths_and_macro_tokens_count_but_visibility_does_not() {
    let found = paths_in(
        &["serve"],
        "pub(crate) fn f(w: crate::world::World) {\n\
             crate::terminal::say(&[format!(\"{}\", crate::cli::NAME)]);\n\
         }\n\
         pub(super) struct S;\n\
         macro_rules! m { () => { $crate::x::y() } }",
    );
    assert_eq!(
        found,
        pairs(&[
            ("crate::world::World", "world::World"),
            ("crate::terminal::say", "terminal::say"),
            ("crate::cli::NAME", "cli::NAME"),
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
                "workspace member `{member}` has no table of floors in tests/floors.rs"
            );
        }
    }
}
