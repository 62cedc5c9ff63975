//! The one page reader: a page's visible text, its links by label, its fields and forms, read with
//! `scraper` as a person would read them. Every suite reads pages through it — the simulator's and
//! the console stub's through [`crate::browser`], HTML fetched over a real socket through
//! [`Page::from_body`].

use axum::http::StatusCode;
use scraper::{ElementRef, Html, Selector};

/// One answer of a site, read whole: where it sends the browser, the cookies it sets, its HTML.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: StatusCode,
    /// The `Location` header, when there is one.
    pub location: Option<String>,
    /// Every `Set-Cookie` header, in order.
    pub set_cookie: Vec<String>,
    pub body: String,
}

/// A CSS selector the test wrote; a typo is the test's bug, so it panics.
fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e}"))
}

/// An element's text, whitespace collapsed.
fn collapsed(element: ElementRef<'_>) -> String {
    element
        .text()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Page {
    /// A page of `body` alone, answered 200 with no headers: for HTML fetched some other way.
    pub fn from_body(body: impl Into<String>) -> Page {
        Page {
            status: StatusCode::OK,
            location: None,
            set_cookie: Vec::new(),
            body: body.into(),
        }
    }

    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The visible text of the page, whitespace collapsed.
    pub fn text(&self) -> String {
        collapsed(self.html().root_element())
    }

    /// The text of every element matching `css`, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.html().select(&selector(css)).map(collapsed).collect()
    }

    /// The `attr` of every element matching `css` that has it.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.html()
            .select(&selector(css))
            .filter_map(|e| e.value().attr(attr).map(str::to_owned))
            .collect()
    }

    /// The rows of the tables matching `css` that have data cells (header rows are left out), each
    /// as its cells' text, whitespace collapsed.
    pub fn table_rows(&self, css: &str) -> Vec<Vec<String>> {
        let cell = selector("td");
        self.html()
            .select(&selector(&format!("{css} tr")))
            .map(|row| row.select(&cell).map(collapsed).collect::<Vec<_>>())
            .filter(|cells| !cells.is_empty())
            .collect()
    }

    /// The href of every link whose text is `label`.
    pub fn links(&self, label: &str) -> Vec<String> {
        self.html()
            .select(&selector("a"))
            .filter(|a| a.text().collect::<String>().trim() == label)
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect()
    }

    /// The href of the first link whose text is `label`; panics, showing the page, without one.
    pub fn link(&self, label: &str) -> String {
        self.links(label)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no link `{label}` on the page:\n{}", self.body))
    }

    /// The value of the first input named `name` (hidden or not), when the page has one.
    pub fn find_field(&self, name: &str) -> Option<String> {
        self.attrs(&format!("input[name=\"{name}\"]"), "value")
            .into_iter()
            .next()
    }

    /// The value of the first input named `name`; panics, showing the page, without one.
    pub fn field(&self, name: &str) -> String {
        self.find_field(name)
            .unwrap_or_else(|| panic!("no field `{name}` on the page:\n{}", self.body))
    }

    /// The value of input `name` in the form that posts to `action`; panics without one.
    pub fn form_field(&self, action: &str, name: &str) -> String {
        self.attrs(
            &format!("form[action=\"{action}\"] input[name=\"{name}\"]"),
            "value",
        )
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no field `{name}` in form {action}:\n{}", self.body))
    }

    /// What a browser submits with the form posting to `action`, before the user types: its hidden
    /// fields, then its checked inputs that are not disabled (a checkbox without a value is `on`).
    /// Panics, showing the page, when there is no such form.
    pub fn form_values(&self, action: &str) -> Vec<(String, String)> {
        let html = self.html();
        let form = html
            .select(&selector(&format!("form[action=\"{action}\"]")))
            .next()
            .unwrap_or_else(|| panic!("no form {action} on the page:\n{}", self.body));
        let pair = |input: ElementRef<'_>, default: &str| {
            let name = input.value().attr("name").expect("a submitted input has a name");
            let value = input.value().attr("value").unwrap_or(default);
            (name.to_owned(), value.to_owned())
        };
        let mut values: Vec<(String, String)> = form
            .select(&selector("input[type=hidden]"))
            .map(|input| pair(input, ""))
            .collect();
        values.extend(
            form.select(&selector("input[checked]"))
                .filter(|input| input.value().attr("disabled").is_none())
                .map(|input| pair(input, "on")),
        );
        values
    }
}
