//! The buyer's browser: an HTTP client that reads server-rendered pages and acts on them the way a
//! person does, by the labels they can see.
//!
//! [`Agent`] is the facade. It opens a URL, then clicks links and buttons, ticks checkboxes, chooses
//! radio buttons, table rows or options, and fills fields, each found by its exact visible label
//! ([`Locator`]), optionally narrowed to a row, a dialog or the navigation bar. It keeps a cookie
//! jar per host and port, follows redirects itself so every hop is an [`Exchange`] the caller can
//! [`take`](Agent::take_exchanges), and answers each action with the element it acted on
//! ([`ActedOn`]) for the transcript. Beneath it: `dom` (the parsed document and its visible text),
//! `controls` (what can be acted on and its names), `page` (finding by label within a scope), `form`
//! (pending edits and submission), `fetch` (requests and redirects), `cookies`, `record` and `error`.

mod controls;
mod cookies;
mod dom;
mod error;
mod fetch;
mod form;
mod locator;
mod page;
mod record;
#[cfg(test)]
mod tests;

use std::time::Duration;

use url::Url;

pub use error::AgentError;
pub use locator::{Locator, Scope};
pub use page::Page;
pub use record::{ActedOn, ElementKind, Exchange, Method, Navigation};

use controls::{describe, is_disabled};
use cookies::CookieJar;
use fetch::{Browser, Request};
use form::{option_value, options, Press};
use page::{Found, Intent};

/// How many redirects one navigation follows before giving up, as browsers do (Chromium allows 20).
pub const DEFAULT_MAX_REDIRECTS: usize = 20;

/// How long one HTTP exchange may take; the agent only talks to local servers.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A browser without JavaScript, driven by visible labels.
#[derive(Debug)]
pub struct Agent {
    client: reqwest::Client,
    cookies: CookieJar,
    page: Option<Page>,
    exchanges: Vec<Exchange>,
    max_redirects: usize,
}

impl Agent {
    /// An agent with its own HTTP client: no automatic redirects, no proxy, a 30 s timeout.
    pub fn new() -> Result<Agent, AgentError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("marketsim-agent/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| AgentError::Http {
                method: "BUILD".to_owned(),
                url: String::new(),
                source,
            })?;
        Ok(Agent::with_client(client))
    }

    /// An agent over a client the caller built. The client must not follow redirects itself
    /// (`redirect::Policy::none()`), or the hops would go unrecorded and their cookies unstored.
    pub fn with_client(client: reqwest::Client) -> Agent {
        Agent {
            client,
            cookies: CookieJar::default(),
            page: None,
            exchanges: Vec::new(),
            max_redirects: DEFAULT_MAX_REDIRECTS,
        }
    }

    /// Sets how many redirects one navigation follows.
    pub fn with_max_redirects(mut self, limit: usize) -> Agent {
        self.max_redirects = limit;
        self
    }

    /// Goes to `url` as if typed in the address bar.
    pub async fn open(&mut self, url: &str) -> Result<&Page, AgentError> {
        let url = Url::parse(url).map_err(|source| AgentError::InvalidUrl {
            url: url.to_owned(),
            source,
        })?;
        self.navigate(Request {
            method: Method::Get,
            url,
            body: None,
            from: None,
        })
        .await
    }

    /// Clicks the link or button with this label: follows the link, or submits the button's form.
    pub async fn click(&mut self, target: impl Into<Locator>) -> Result<ActedOn, AgentError> {
        let found = self.page()?.find(&target.into(), Intent::Click)?;
        match found.kind {
            ElementKind::Link => self.follow(found).await,
            _ => self.press(found).await,
        }
    }

    /// Presses the button with this label (links are not considered), submitting its form.
    pub async fn submit(&mut self, target: impl Into<Locator>) -> Result<ActedOn, AgentError> {
        let found = self.page()?.find(&target.into(), Intent::Submit)?;
        self.press(found).await
    }

    /// Ticks the checkbox (or selects the radio button) with this label.
    pub fn check(&mut self, target: impl Into<Locator>) -> Result<ActedOn, AgentError> {
        let page = self.page_mut()?;
        let found = page.find(&target.into(), Intent::Check)?;
        refuse_disabled(page, &found)?;
        page.form.set_checked(&page.dom, found.id, true);
        Ok(acted(found))
    }

    /// Clears the checkbox with this label.
    pub fn uncheck(&mut self, target: impl Into<Locator>) -> Result<ActedOn, AgentError> {
        let page = self.page_mut()?;
        let found = page.find(&target.into(), Intent::Uncheck)?;
        refuse_disabled(page, &found)?;
        page.form.set_checked(&page.dom, found.id, false);
        Ok(acted(found))
    }

    /// Selects the radio button named by this label or by a text in its table row, or the option
    /// with this text.
    pub fn choose(&mut self, target: impl Into<Locator>) -> Result<ActedOn, AgentError> {
        let page = self.page_mut()?;
        let found = page.find(&target.into(), Intent::Choose)?;
        refuse_disabled(page, &found)?;
        match found.kind {
            ElementKind::Option => page.form.select_option(&page.dom, found.id),
            _ => page.form.set_checked(&page.dom, found.id, true),
        }
        Ok(acted(found))
    }

    /// Types `value` into the field with this label; for a drop-down, selects the option whose text
    /// or value is `value`.
    pub fn fill(&mut self, target: impl Into<Locator>, value: &str) -> Result<ActedOn, AgentError> {
        let page = self.page_mut()?;
        let found = page.find(&target.into(), Intent::Fill)?;
        refuse_disabled(page, &found)?;
        let element = || describe(&page.dom, found.id, found.kind);
        if page.dom.tag(found.id) == "select" {
            let choices = options(&page.dom, found.id);
            let wanted = dom::collapse(value);
            let option = choices.iter().copied().find(|&o| {
                dom::collapse(&page.dom.raw_text(o)) == wanted || option_value(&page.dom, o) == value
            });
            let Some(option) = option else {
                return Err(AgentError::NotFound {
                    what: "option",
                    label: value.to_owned(),
                    place: format!("in {}", element()),
                    candidates: choices
                        .iter()
                        .map(|&o| dom::collapse(&page.dom.raw_text(o)))
                        .collect(),
                });
            };
            if is_disabled(&page.dom, option) {
                return Err(AgentError::Disabled {
                    element: format!("option \"{wanted}\" of {}", element()),
                });
            }
            page.form.select_option(&page.dom, option);
        } else {
            if page.dom.has_attr(found.id, "readonly") {
                return Err(AgentError::ReadOnly { element: element() });
            }
            page.form.set_value(found.id, value);
        }
        Ok(acted(found))
    }

    /// The current page, once one is open.
    pub fn page(&self) -> Result<&Page, AgentError> {
        self.page.as_ref().ok_or(AgentError::NoPage)
    }

    /// The visible text of the current page, whitespace-collapsed.
    pub fn page_text(&self) -> Result<String, AgentError> {
        Ok(self.page()?.text())
    }

    /// Whether the visible text of the current page contains `text`.
    pub fn page_contains(&self, text: &str) -> Result<bool, AgentError> {
        Ok(self.page()?.contains(text))
    }

    /// The HTTP exchanges made since the last call, oldest first.
    pub fn take_exchanges(&mut self) -> Vec<Exchange> {
        std::mem::take(&mut self.exchanges)
    }

    /// Whether the agent holds any cookie it would send to `url` (a site's session, say).
    pub fn has_cookies_for(&self, url: &Url) -> bool {
        self.cookies.header(url).is_some()
    }

    /// The value of the cookie `name` the agent would send to `url`.
    pub fn cookie(&self, url: &Url, name: &str) -> Option<&str> {
        self.cookies.get(url, name)
    }

    fn page_mut(&mut self) -> Result<&mut Page, AgentError> {
        self.page.as_mut().ok_or(AgentError::NoPage)
    }

    async fn follow(&mut self, link: Found) -> Result<ActedOn, AgentError> {
        let page = self.page()?;
        let navigation = page.link_navigation(link.id)?;
        let href = page.dom.attr(link.id, "href").unwrap_or("").trim();
        let mut acted_on = acted(link);
        acted_on.request = Some(navigation.clone());
        // A link to a place on the same page moves the view, not the browser.
        if !href.starts_with('#') {
            let from = Some(page.url().clone());
            self.navigate(Request {
                method: navigation.method,
                url: navigation.url,
                body: None,
                from,
            })
            .await?;
        }
        Ok(acted_on)
    }

    async fn press(&mut self, button: Found) -> Result<ActedOn, AgentError> {
        let page = self.page_mut()?;
        refuse_disabled(page, &button)?;
        let press = page.form.press(&page.dom, button.id, page.url())?;
        let mut acted_on = acted(button);
        match press {
            Press::Reset(form) => page.form.reset(&page.dom, form),
            Press::CloseDialog(dialog) => {
                if let Some(dialog) = dialog {
                    page.dom.close_dialog(dialog);
                }
            }
            Press::Send(request) => {
                acted_on.request = Some(Navigation {
                    method: request.method,
                    url: request.url.clone(),
                    form: true,
                });
                self.navigate(request).await?;
            }
        }
        Ok(acted_on)
    }

    async fn navigate(&mut self, request: Request) -> Result<&Page, AgentError> {
        let mut browser = Browser {
            client: &self.client,
            cookies: &mut self.cookies,
            exchanges: &mut self.exchanges,
            max_redirects: self.max_redirects,
        };
        let response = browser.navigate(request).await?;
        Ok(self
            .page
            .insert(Page::new(response.url, response.status, &response.body)))
    }
}

fn refuse_disabled(page: &Page, found: &Found) -> Result<(), AgentError> {
    if is_disabled(&page.dom, found.id) {
        return Err(AgentError::Disabled {
            element: format!("{} \"{}\"", found.kind, found.name),
        });
    }
    Ok(())
}

fn acted(found: Found) -> ActedOn {
    ActedOn {
        kind: found.kind,
        label: found.name,
        request: None,
    }
}
