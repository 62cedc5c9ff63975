//! The current page: where it came from, its document and pending form edits, and how an element
//! is found on it by label within a scope.
//!
//! Finding is strict, as a scenario should be: the label must equal an element's name exactly (after
//! trimming and collapsing whitespace); links that lead to the same URL count as one; anything else
//! that matches more than once is ambiguous. Scopes narrow the search to a table row, an open dialog
//! or the navigation bars, and are themselves found strictly.

use std::collections::BTreeSet;

use url::Url;

use super::controls::{describe, kind_of, names};
use super::dom::{collapse, Dom, ElementId};
use super::error::AgentError;
use super::form::{form_owner, FormState};
use super::locator::{Locator, Scope};
use super::record::{path_and_query, ElementKind, Method, Navigation};

/// A page the agent has loaded, with the edits made to its forms so far.
#[derive(Debug)]
pub struct Page {
    url: Url,
    status: u16,
    pub(crate) dom: Dom,
    pub(crate) form: FormState,
}

/// What an action means to do, which decides the kinds of element it may find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Intent {
    Click,
    Submit,
    Check,
    Uncheck,
    Choose,
    Fill,
}

impl Intent {
    fn accepts(self, kind: ElementKind) -> bool {
        use ElementKind::*;
        match self {
            Intent::Click => matches!(kind, Link | Button),
            Intent::Submit => kind == Button,
            Intent::Check => matches!(kind, Checkbox | Radio),
            Intent::Uncheck => kind == Checkbox,
            Intent::Choose => matches!(kind, Radio | Option),
            Intent::Fill => kind == Field,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Intent::Click => "link or button",
            Intent::Submit => "button",
            Intent::Check | Intent::Uncheck => "checkbox",
            Intent::Choose => "radio button, row or option",
            Intent::Fill => "field",
        }
    }
}

/// The one element a locator found.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) id: ElementId,
    pub(crate) kind: ElementKind,
    /// The name it is shown by (its first name, which may differ from the label it was found by).
    pub(crate) name: String,
}

impl Page {
    pub(crate) fn new(url: Url, status: u16, html: &str) -> Page {
        Page {
            url,
            status,
            dom: Dom::parse(html),
            form: FormState::default(),
        }
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    /// The visible text of the page, whitespace-collapsed.
    pub fn text(&self) -> String {
        self.dom.text(self.dom.root())
    }

    /// Whether the visible text contains `text` (whitespace in `text` is collapsed too).
    pub fn contains(&self, text: &str) -> bool {
        self.text().contains(&collapse(text))
    }

    /// The document's `<title>`.
    pub fn title(&self) -> Option<String> {
        let title = self.dom.all().find(|&e| self.dom.tag(e) == "title")?;
        Some(collapse(&self.dom.raw_text(title)))
    }

    /// The labels of the links and buttons a person can see, in document order.
    pub fn clickable_labels(&self) -> Vec<String> {
        let mut labels = Vec::new();
        for id in self.dom.all() {
            let Some(kind) = kind_of(&self.dom, id) else {
                continue;
            };
            if !Intent::Click.accepts(kind) || !self.dom.is_visible(id) {
                continue;
            }
            if let Some(name) = names(&self.dom, id, kind).into_iter().next() {
                if !labels.contains(&name) {
                    labels.push(name);
                }
            }
        }
        labels
    }

    /// Finds the one element of the kinds `intent` accepts that `locator` names.
    pub(crate) fn find(&self, locator: &Locator, intent: Intent) -> Result<Found, AgentError> {
        let label = collapse(&locator.label);
        let place = self.place(&locator.scope);
        let elements: BTreeSet<ElementId> = self
            .scope_roots(&locator.scope)?
            .into_iter()
            .flat_map(|root| self.dom.subtree(root))
            .collect();
        let mut candidates: Vec<String> = Vec::new();
        let mut matches: Vec<Found> = Vec::new();
        let mut link_targets: Vec<Url> = Vec::new();
        for id in elements {
            let Some(kind) = kind_of(&self.dom, id) else {
                continue;
            };
            if !intent.accepts(kind) || !self.dom.is_visible(id) {
                continue;
            }
            let mut names = names(&self.dom, id, kind);
            if intent == Intent::Choose && kind == ElementKind::Radio {
                names.extend(self.row_texts(id));
            }
            let Some(name) = names.first().cloned() else {
                continue;
            };
            if !candidates.contains(&name) {
                candidates.push(name.clone());
            }
            if !names.contains(&label) {
                continue;
            }
            if kind == ElementKind::Link {
                if let Ok(target) = self.link_target(id) {
                    if link_targets.contains(&target) {
                        continue;
                    }
                    link_targets.push(target);
                }
            }
            matches.push(Found { id, kind, name });
        }
        match matches.len() {
            0 => Err(AgentError::NotFound {
                what: intent.noun(),
                label,
                place,
                candidates,
            }),
            1 => Ok(matches.remove(0)),
            _ => Err(AgentError::Ambiguous {
                label,
                place,
                matches: matches
                    .iter()
                    .map(|found| self.describe_with_target(found))
                    .collect(),
            }),
        }
    }

    /// Where a search happened, for messages: `on /bind`, `in row "Alice Labs" on /bind`.
    pub(crate) fn place(&self, scope: &Scope) -> String {
        let page = format!("on {}", path_and_query(&self.url));
        match scope {
            Scope::Page => page,
            scope => format!("{scope} {page}"),
        }
    }

    /// The resolved URL a link points to.
    pub(crate) fn link_target(&self, link: ElementId) -> Result<Url, AgentError> {
        let href = self.dom.attr(link, "href").unwrap_or("").trim();
        self.url.join(href).map_err(|source| AgentError::InvalidUrl {
            url: href.to_owned(),
            source,
        })
    }

    fn describe_with_target(&self, found: &Found) -> String {
        let element = describe(&self.dom, found.id, found.kind);
        let target = match found.kind {
            ElementKind::Link => self
                .link_target(found.id)
                .ok()
                .map(|url| format!("GET {}", path_and_query(&url))),
            ElementKind::Button => form_owner(&self.dom, found.id).map(|form| {
                let method = self
                    .dom
                    .attr(form, "method")
                    .unwrap_or("get")
                    .to_ascii_uppercase();
                let action = self
                    .dom
                    .attr(found.id, "formaction")
                    .or(self.dom.attr(form, "action"));
                let url = self
                    .url
                    .join(action.unwrap_or(""))
                    .unwrap_or_else(|_| self.url.clone());
                format!("form {method} {}", url.path())
            }),
            _ => None,
        };
        match target {
            Some(target) => format!("{element} ({target})"),
            None => element,
        }
    }

    /// The texts in the table row around a radio button, by which `choose` may pick it.
    fn row_texts(&self, radio: ElementId) -> Vec<String> {
        let Some(row) = self.dom.closest(radio, |e| self.is_row(e)) else {
            return Vec::new();
        };
        let texts = self
            .dom
            .subtree(row)
            .skip(1)
            .map(|e| self.dom.text(e))
            .filter(|t| !t.is_empty());
        let mut unique: Vec<String> = Vec::new();
        for text in texts {
            if !unique.contains(&text) {
                unique.push(text);
            }
        }
        unique
    }

    fn is_row(&self, id: ElementId) -> bool {
        self.dom.tag(id) == "tr" || self.dom.role_is(id, &["row"])
    }

    /// The elements a scope stands for.
    fn scope_roots(&self, scope: &Scope) -> Result<Vec<ElementId>, AgentError> {
        let dom = &self.dom;
        let visible = |e: &ElementId| dom.is_visible(*e);
        match scope {
            Scope::Page => Ok(vec![dom.root()]),
            Scope::Nav => {
                let navs: Vec<ElementId> = dom
                    .all()
                    .filter(|&e| dom.tag(e) == "nav" || dom.role_is(e, &["navigation"]))
                    .filter(visible)
                    .collect();
                if navs.is_empty() {
                    let place = self.place(&Scope::Page);
                    return Err(AgentError::NotFound {
                        what: "navigation bar",
                        label: "nav".to_owned(),
                        place,
                        candidates: Vec::new(),
                    });
                }
                Ok(navs)
            }
            Scope::Row(text) => {
                let rows: Vec<ElementId> = dom.all().filter(|&e| self.is_row(e)).filter(visible).collect();
                let text = collapse(text);
                let exact: Vec<ElementId> = rows
                    .iter()
                    .copied()
                    .filter(|&row| dom.subtree(row).skip(1).any(|cell| dom.text(cell) == text))
                    .collect();
                let chosen = if exact.is_empty() {
                    rows.iter()
                        .copied()
                        .filter(|&row| dom.text(row).contains(&text))
                        .collect()
                } else {
                    exact
                };
                self.one_scope(innermost(dom, chosen), &rows, "row", &text)
            }
            Scope::Dialog(title) => {
                let dialogs: Vec<ElementId> = dom
                    .all()
                    .filter(|&e| dom.tag(e) == "dialog" || dom.role_is(e, &["dialog", "alertdialog"]))
                    .filter(visible)
                    .collect();
                let title = collapse(title);
                let chosen = dialogs
                    .iter()
                    .copied()
                    .filter(|&d| self.dialog_titles(d).contains(&title))
                    .collect();
                self.one_scope(chosen, &dialogs, "dialog", &title)
            }
        }
    }

    fn one_scope(
        &self,
        chosen: Vec<ElementId>,
        all: &[ElementId],
        what: &'static str,
        label: &str,
    ) -> Result<Vec<ElementId>, AgentError> {
        let summary = |e: ElementId| match what {
            "dialog" => self.dialog_titles(e).into_iter().next().unwrap_or_default(),
            _ => self.dom.text(e),
        };
        match chosen.len() {
            1 => Ok(chosen),
            0 => Err(AgentError::NotFound {
                what,
                label: label.to_owned(),
                place: self.place(&Scope::Page),
                candidates: all.iter().map(|&e| summary(e)).collect(),
            }),
            _ => Err(AgentError::Ambiguous {
                label: label.to_owned(),
                place: self.place(&Scope::Page),
                matches: chosen
                    .iter()
                    .map(|&e| format!("{what} \"{}\"", summary(e)))
                    .collect(),
            }),
        }
    }

    /// A dialog's titles: `aria-label`, the text `aria-labelledby` points to, and its first heading.
    fn dialog_titles(&self, dialog: ElementId) -> Vec<String> {
        let dom = &self.dom;
        let mut titles = Vec::new();
        titles.extend(dom.attr(dialog, "aria-label").map(collapse));
        if let Some(ids) = dom.attr(dialog, "aria-labelledby") {
            let parts: Vec<String> = ids
                .split_whitespace()
                .filter_map(|i| dom.by_id(i))
                .map(|e| dom.text(e))
                .collect();
            titles.push(parts.join(" "));
        }
        let heading = dom.subtree(dialog).skip(1).find(|&e| {
            matches!(dom.tag(e), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") || dom.role_is(e, &["heading"])
        });
        titles.extend(heading.map(|h| dom.text(h)));
        titles.retain(|t| !t.is_empty());
        titles
    }

    /// The request a link makes when followed.
    pub(crate) fn link_navigation(&self, link: ElementId) -> Result<Navigation, AgentError> {
        let url = self.link_target(link)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(AgentError::Unsupported {
                element: describe(&self.dom, link, ElementKind::Link),
                reason: format!(
                    "the agent follows http and https links only, not {}:",
                    url.scheme()
                ),
            });
        }
        Ok(Navigation {
            method: Method::Get,
            url,
            form: false,
        })
    }
}

/// Drops the rows that contain another chosen row, so a row in a nested table wins over its outer row.
fn innermost(dom: &Dom, rows: Vec<ElementId>) -> Vec<ElementId> {
    rows.iter()
        .copied()
        .filter(|&row| !rows.iter().any(|&other| other != row && dom.contains(row, other)))
        .collect()
}
