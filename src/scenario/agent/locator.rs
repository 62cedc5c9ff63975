//! How a step names the element to act on: its visible label, optionally narrowed to a scope.
//!
//! `"免登"` converts into a [`Locator`] searching the whole page; `Locator::new("免登").in_row("Zilliz
//! Cloud")` searches only the table row that shows "Zilliz Cloud". The page module resolves scopes.

use std::fmt;

/// The label to look for and where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locator {
    pub label: String,
    pub scope: Scope,
}

/// The part of the page a label is searched in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// The whole page.
    #[default]
    Page,
    /// The table row (`<tr>` or `role=row`) showing this text.
    Row(String),
    /// The open `<dialog>` (or `role=dialog`) titled this, by heading, `aria-label` or `aria-labelledby`.
    Dialog(String),
    /// The navigation bars (`<nav>` or `role=navigation`).
    Nav,
}

impl Locator {
    pub fn new(label: impl Into<String>) -> Locator {
        Locator {
            label: label.into(),
            scope: Scope::Page,
        }
    }

    pub fn in_row(self, text: impl Into<String>) -> Locator {
        Locator {
            scope: Scope::Row(text.into()),
            ..self
        }
    }

    pub fn in_dialog(self, title: impl Into<String>) -> Locator {
        Locator {
            scope: Scope::Dialog(title.into()),
            ..self
        }
    }

    pub fn in_nav(self) -> Locator {
        Locator {
            scope: Scope::Nav,
            ..self
        }
    }
}

impl From<&str> for Locator {
    fn from(label: &str) -> Locator {
        Locator::new(label)
    }
}

impl From<String> for Locator {
    fn from(label: String) -> Locator {
        Locator::new(label)
    }
}

impl From<&Locator> for Locator {
    fn from(locator: &Locator) -> Locator {
        locator.clone()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Page => Ok(()),
            Scope::Row(text) => write!(f, "in row \"{text}\""),
            Scope::Dialog(title) => write!(f, "in dialog \"{title}\""),
            Scope::Nav => write!(f, "in the navigation bar"),
        }
    }
}
