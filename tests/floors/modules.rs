//! A crate read from its source: the module tree from `lib.rs` / `main.rs` through every `mod`
//! declaration (files, inline blocks, `#[path]`), every path in it that may name a module of the
//! crate, resolved from the crate root, and the re-exports a path may go through.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// A path found in a module, and where.
pub struct Found {
    pub file: PathBuf,
    pub line: usize,
    pub module: String,
    /// As written, `::`-joined (a `use` group gives one path per leaf; a glob ends in `*`).
    pub path: String,
    /// The segments it names, resolved from the crate root (`super` and `self` taken away).
    pub resolved: Vec<String>,
}

/// A crate's modules and the paths between them.
#[derive(Default)]
pub struct Crate {
    /// Module path → the file it is written in.
    pub modules: BTreeMap<String, PathBuf>,
    pub found: Vec<Found>,
    /// Files the module tree reaches.
    pub files: BTreeSet<PathBuf>,
    /// `pub use` leaves: the name a module re-exports (`state::Simulator` as `Simulator` of the
    /// root) → what it names, resolved from the crate root.
    pub reexports: BTreeMap<String, Vec<String>>,
}

pub fn join(segments: &[String]) -> String {
    segments.join("::")
}

impl Crate {
    pub fn read(src: &Path) -> Crate {
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
        self.found.extend(found);
        // Paths are resolved once the whole tree is read, so the order here does not matter.
        for (child, child_file, grandchild_dir) in declared {
            self.read_file(&child_file, child, grandchild_dir);
        }
    }
}

/// Walks one file: its `mod` declarations and every path in it.
pub struct Collector {
    file: PathBuf,
    /// The module being walked (inline blocks pushed on it).
    module: Vec<String>,
    /// Where `mod x;` of the module being walked finds `x.rs` or `x/mod.rs`.
    child_dir: PathBuf,
    /// How many inline `mod x { … }` blocks deep the walk is.
    inline_depth: usize,
    /// Whether the `use` being walked is `pub` (a re-export).
    reexporting: bool,
    pub found: Vec<Found>,
    /// Declared file modules: (module path, file, where its own children live).
    declared: Vec<(Vec<String>, PathBuf, PathBuf)>,
    /// Inline modules, written in this file.
    inline: Vec<Vec<String>>,
    /// `pub use` leaves: (the re-exported name's full path, what it names).
    reexports: Vec<(String, Vec<String>)>,
}

impl Collector {
    pub fn new(file: &Path, module: Vec<String>, child_dir: PathBuf) -> Collector {
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

    /// Finds the paths in a token stream (a macro call's or an attribute's arguments), groups
    /// included: every `a :: b …` that no `::` or `$` comes before, recorded as [`Visit::visit_path`]
    /// records one outside a macro, so `self :: x`, `child :: y` and `crate :: z` count alike. `$crate`
    /// and `$var :: x` of a macro definition are not paths of this module. In an attribute
    /// (`in_attribute`), a string literal that reads as a path counts too: serde's
    /// `with = "crate::pages::x"` names a module as surely as a `use` does.
    fn tokens(&mut self, tokens: TokenStream, in_attribute: bool) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => {
                    if g.delimiter() != Delimiter::None || !g.stream().is_empty() {
                        self.tokens(g.stream(), in_attribute);
                    }
                    i += 1;
                }
                TokenTree::Ident(id) if is_path_sep(&trees, i + 1) => {
                    let after_dollar =
                        i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    let after_sep = i >= 2 && is_path_sep(&trees, i - 2);
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
                    if !after_dollar && !after_sep && segments.len() > 1 {
                        self.record(segments, line);
                    }
                    i = j;
                }
                TokenTree::Literal(literal) if in_attribute => {
                    let key = i.checked_sub(2).and_then(|k| match (&trees[k], &trees[k + 1]) {
                        (TokenTree::Ident(key), TokenTree::Punct(eq)) if eq.as_char() == '=' => {
                            Some(key.to_string())
                        }
                        _ => None,
                    });
                    if let Some(segments) = path_in_string(literal, key.as_deref()) {
                        self.record(segments, literal.span().start().line);
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
}

/// The path a string literal of an attribute holds, when it holds one: `"crate::pages::x"`, or a
/// lone module name after `with =` (serde's module of `serialize` and `deserialize`). Other lone
/// names (`feature = "store"`, `default = "f"`) name no module.
fn path_in_string(literal: &proc_macro2::Literal, key: Option<&str>) -> Option<Vec<String>> {
    let syn::Lit::Str(text) = syn::Lit::new(literal.clone()) else {
        return None;
    };
    let path: syn::Path = syn::parse_str(&text.value()).ok()?;
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let names_a_module = segments.len() > 1 || key == Some("with");
    (path.leading_colon.is_none() && names_a_module).then_some(segments)
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
        self.tokens(mac.tokens.clone(), false);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if let syn::Meta::List(list) = &attr.meta {
            self.tokens(list.tokens.clone(), true);
        }
    }
}

/// The module `resolved` names: its deepest known module, or, where the next name is a re-export
/// of that module (`crate::Simulator` for `state::Simulator`), the module the re-export names.
pub fn target_module(krate: &Crate, resolved: &[String]) -> Option<String> {
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

/// Every `.rs` file under `dir`.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
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
