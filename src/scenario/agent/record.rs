//! What the agent did, for the transcript: the HTTP exchanges it made and the element it acted on.
//!
//! Both render as one line. Paths are shown without scheme, host and port, which change from run
//! to run; the full URLs stay available in the fields for a caller that maps hosts to names.

use std::fmt;

use url::Url;

/// The two methods a page without JavaScript can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request and its response; a redirect chain is one exchange per hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub method: Method,
    pub url: Url,
    pub status: u16,
    /// Where a redirect pointed, resolved against `url`.
    pub location: Option<Url>,
}

impl Exchange {
    /// The path and query of the request, e.g. `/bind?step=2`.
    pub fn target(&self) -> String {
        path_and_query(&self.url)
    }
}

impl fmt::Display for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} → {}", self.method, self.target(), self.status)?;
        if let Some(location) = &self.location {
            write!(f, " → {}", path_and_query(location))?;
        }
        Ok(())
    }
}

/// The kind of element an action found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementKind {
    Link,
    Button,
    Checkbox,
    Radio,
    Option,
    Field,
}

impl fmt::Display for ElementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ElementKind::Link => "link",
            ElementKind::Button => "button",
            ElementKind::Checkbox => "checkbox",
            ElementKind::Radio => "radio",
            ElementKind::Option => "option",
            ElementKind::Field => "field",
        })
    }
}

/// The element an action acted on, and the request it caused if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActedOn {
    pub kind: ElementKind,
    /// The element's own label (its visible text, or its field label).
    pub label: String,
    pub request: Option<Navigation>,
}

/// A request an action started: a link followed or a form submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Navigation {
    pub method: Method,
    pub url: Url,
    /// Whether the request submits a form.
    pub form: bool,
}

impl fmt::Display for ActedOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} \"{}\"", self.kind, self.label)?;
        if let Some(request) = &self.request {
            let form = if request.form { "form " } else { "" };
            write!(f, " ({form}{} {})", request.method, path_and_query(&request.url))?;
        }
        Ok(())
    }
}

pub(crate) fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}
