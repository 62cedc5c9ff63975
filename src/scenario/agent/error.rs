//! What can go wrong when the agent acts on a page, as one enum of kinds.
//!
//! Every message is written for a scenario author: a label that is missing lists the labels the page
//! does have, an ambiguous one lists every element it matched, so the fix is visible in the error
//! itself. Where the action was attempted (page path and scope) travels in `place`.

use thiserror::Error;

/// An action the agent could not carry out, or an HTTP exchange that failed.
#[derive(Debug, Error)]
pub enum AgentError {
    /// No page has been opened yet, so there is nothing to act on or read.
    #[error("no page is open yet; open a URL first")]
    NoPage,

    /// Nothing of the wanted kind carries this label in the place searched.
    #[error("no {what} labelled \"{label}\" {place}; {}", list_candidates(candidates))]
    NotFound {
        /// The kind of element looked for, e.g. "link or button", "checkbox", "row".
        what: &'static str,
        label: String,
        /// The page path and scope searched, e.g. `on /bind in row "Alice Labs"`.
        place: String,
        /// The labels of that kind which the place does have, in document order.
        candidates: Vec<String>,
    },

    /// More than one element carries this label, even after scoping.
    #[error(
        "\"{label}\" matches {} elements {place}: {}; narrow it with a row, dialog or nav scope",
        matches.len(),
        matches.join(", ")
    )]
    Ambiguous {
        label: String,
        place: String,
        /// Each matching element described, e.g. `link "确定" (GET /orders)`.
        matches: Vec<String>,
    },

    /// The element is disabled (`disabled`, a disabled fieldset, or `aria-disabled="true"`).
    #[error("{element} is disabled")]
    Disabled { element: String },

    /// The field is `readonly`, so it cannot be typed into.
    #[error("{element} is read-only")]
    ReadOnly { element: String },

    /// A required field of the form being submitted is empty, so a browser would not submit it.
    #[error("{field} is required: fill it in before submitting")]
    RequiredMissing { field: String },

    /// The element exists but does nothing in a browser without JavaScript.
    #[error("{element} does nothing without JavaScript")]
    NoEffect { element: String },

    /// The page asks for something the agent does not do (a `mailto:` link, a multipart form...).
    #[error("{element}: {reason}")]
    Unsupported { element: String, reason: String },

    /// A URL in the page, a redirect or the caller's input could not be parsed or resolved.
    #[error("invalid URL \"{url}\": {source}")]
    InvalidUrl {
        url: String,
        #[source]
        source: url::ParseError,
    },

    /// The HTTP exchange itself failed (connection refused, timeout, unreadable body).
    #[error("{method} {url} failed: {source}")]
    Http {
        method: String,
        url: String,
        #[source]
        source: reqwest::Error,
    },

    /// A page longer than the agent reads.
    #[error("the page at {url} is longer than {} MiB, the most the browser reads", limit / (1024 * 1024))]
    PageTooLarge { url: String, limit: usize },

    /// A chain of redirects went on longer than the agent follows.
    #[error("more than {limit} redirects starting from {url}")]
    TooManyRedirects { url: String, limit: usize },
}

fn list_candidates(candidates: &[String]) -> String {
    if candidates.is_empty() {
        return "there are none there".to_owned();
    }
    let quoted: Vec<String> = candidates.iter().map(|c| format!("\"{c}\"")).collect();
    format!("the labels there are: {}", quoted.join(", "))
}
