//! Form state and submission: what a person has typed, ticked and chosen on the current page, and
//! the request a form sends when one of its buttons is pressed.
//!
//! State starts from the HTML (`value`, `checked`, `selected`) and pending changes are kept by
//! element until the page is left. Submission follows the HTML form algorithm closely enough for
//! server-rendered pages: the form owner (ancestor or `form=` attribute), `formaction`/`formmethod`
//! overrides, `required` checked first unless `novalidate`, then every enabled, named control in
//! document order — hidden inputs, text fields, ticked checkboxes and radios, selected options,
//! textareas and the pressed button — encoded as `application/x-www-form-urlencoded`.

use std::collections::BTreeMap;

use url::form_urlencoded;
use url::Url;

use super::controls::{button_type, describe, input_type, is_disabled, kind_of};
use super::dom::{collapse, Dom, ElementId};
use super::error::AgentError;
use super::fetch::Request;
use super::record::{ElementKind, Method};

/// Pending edits on one page, by element.
#[derive(Debug, Default)]
pub(crate) struct FormState {
    values: BTreeMap<ElementId, String>,
    checked: BTreeMap<ElementId, bool>,
    selected: BTreeMap<ElementId, Vec<ElementId>>,
}

/// What pressing a button does.
#[derive(Debug)]
pub(crate) enum Press {
    Send(Request),
    /// A `method=dialog` form closes its dialog without a request.
    CloseDialog(Option<ElementId>),
    /// A reset button puts its form back as the page delivered it.
    Reset(ElementId),
}

impl FormState {
    pub(crate) fn value(&self, dom: &Dom, id: ElementId) -> String {
        if let Some(value) = self.values.get(&id) {
            return value.clone();
        }
        if dom.tag(id) == "textarea" {
            let text = dom.raw_text(id);
            return text.strip_prefix('\n').unwrap_or(&text).to_owned();
        }
        dom.attr(id, "value").unwrap_or("").to_owned()
    }

    pub(crate) fn set_value(&mut self, id: ElementId, value: &str) {
        self.values.insert(id, value.to_owned());
    }

    pub(crate) fn is_checked(&self, dom: &Dom, id: ElementId) -> bool {
        self.checked
            .get(&id)
            .copied()
            .unwrap_or_else(|| dom.has_attr(id, "checked"))
    }

    /// Ticks or clears a checkbox; ticking a radio clears the others of its group.
    pub(crate) fn set_checked(&mut self, dom: &Dom, id: ElementId, checked: bool) {
        if checked && input_type(dom, id) == "radio" {
            for other in radio_group(dom, id) {
                self.checked.insert(other, false);
            }
        }
        self.checked.insert(id, checked);
    }

    pub(crate) fn selected_options(&self, dom: &Dom, select: ElementId) -> Vec<ElementId> {
        if let Some(selected) = self.selected.get(&select) {
            return selected.clone();
        }
        let options = options(dom, select);
        let marked: Vec<ElementId> = options
            .iter()
            .copied()
            .filter(|&o| dom.has_attr(o, "selected"))
            .collect();
        if dom.has_attr(select, "multiple") {
            return marked;
        }
        // A drop-down always shows one option: the last one marked, else the first enabled one.
        match marked.last() {
            Some(&last) => vec![last],
            None => options
                .into_iter()
                .find(|&o| !is_disabled(dom, o))
                .into_iter()
                .collect(),
        }
    }

    pub(crate) fn select_option(&mut self, dom: &Dom, option: ElementId) {
        let Some(select) = dom.closest(option, |e| dom.tag(e) == "select") else {
            return;
        };
        let mut selected = if dom.has_attr(select, "multiple") {
            self.selected_options(dom, select)
        } else {
            Vec::new()
        };
        if !selected.contains(&option) {
            selected.push(option);
        }
        self.selected.insert(select, selected);
    }

    /// Forgets the edits made to the controls of `form`.
    pub(crate) fn reset(&mut self, dom: &Dom, form: ElementId) {
        let owned = |id: &ElementId| form_owner(dom, *id) != Some(form);
        self.values.retain(|id, _| owned(id));
        self.checked.retain(|id, _| owned(id));
        self.selected.retain(|id, _| owned(id));
    }

    /// What pressing the button `submitter` does, given the page's URL and the pending edits.
    pub(crate) fn press(&self, dom: &Dom, submitter: ElementId, page_url: &Url) -> Result<Press, AgentError> {
        let element = || describe(dom, submitter, ElementKind::Button);
        let Some(form) = form_owner(dom, submitter) else {
            return Err(AgentError::NoEffect { element: element() });
        };
        match button_type(dom, submitter).as_str() {
            "reset" => return Ok(Press::Reset(form)),
            "button" => return Err(AgentError::NoEffect { element: element() }),
            _ => {}
        }
        let method = submitter_or_form(dom, submitter, form, "formmethod", "method")
            .unwrap_or("get")
            .trim()
            .to_ascii_lowercase();
        if method == "dialog" {
            return Ok(Press::CloseDialog(dom.closest(form, |e| dom.tag(e) == "dialog")));
        }
        let method = if method == "post" {
            Method::Post
        } else {
            Method::Get
        };
        let novalidate = dom.has_attr(form, "novalidate") || dom.has_attr(submitter, "formnovalidate");
        if !novalidate {
            self.check_required(dom, form)?;
        }
        let action = submitter_or_form(dom, submitter, form, "formaction", "action")
            .unwrap_or("")
            .trim();
        let mut url = page_url.join(action).map_err(|source| AgentError::InvalidUrl {
            url: action.to_owned(),
            source,
        })?;
        let body = encode(&self.entries(dom, form, submitter));
        match method {
            Method::Get => {
                url.set_query(Some(&body));
                Ok(Press::Send(Request {
                    method,
                    url,
                    body: None,
                    from: Some(page_url.clone()),
                }))
            }
            Method::Post => {
                let enctype = submitter_or_form(dom, submitter, form, "formenctype", "enctype")
                    .unwrap_or("application/x-www-form-urlencoded");
                if !enctype
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
                {
                    return Err(AgentError::Unsupported {
                        element: element(),
                        reason: format!("forms encoded as {enctype} are not supported"),
                    });
                }
                Ok(Press::Send(Request {
                    method,
                    url,
                    body: Some(body),
                    from: Some(page_url.clone()),
                }))
            }
        }
    }

    /// The first empty `required` control of the form, as a browser would refuse it.
    fn check_required(&self, dom: &Dom, form: ElementId) -> Result<(), AgentError> {
        for id in controls_of(dom, form) {
            if !dom.has_attr(id, "required") || is_disabled(dom, id) {
                continue;
            }
            let missing = match (dom.tag(id), input_type(dom, id).as_str()) {
                ("input", "checkbox") => !self.is_checked(dom, id),
                ("input", "radio") => !radio_group(dom, id).iter().any(|&r| self.is_checked(dom, r)),
                ("input", "hidden" | "submit" | "image" | "reset" | "button") => false,
                ("input", _) if dom.has_attr(id, "readonly") => false,
                ("input" | "textarea", _) => self.value(dom, id).is_empty(),
                ("select", _) => self
                    .selected_options(dom, id)
                    .iter()
                    .all(|&o| option_value(dom, o).is_empty()),
                _ => false,
            };
            if missing {
                let kind = kind_of(dom, id).unwrap_or(ElementKind::Field);
                return Err(AgentError::RequiredMissing {
                    field: describe(dom, id, kind),
                });
            }
        }
        Ok(())
    }

    /// The name/value pairs the form sends, in document order.
    fn entries(&self, dom: &Dom, form: ElementId, submitter: ElementId) -> Vec<(String, String)> {
        let mut entries = Vec::new();
        for id in controls_of(dom, form) {
            let Some(name) = dom.attr(id, "name").filter(|n| !n.is_empty()) else {
                continue;
            };
            if is_disabled(dom, id) {
                continue;
            }
            let name = name.to_owned();
            match dom.tag(id) {
                "button" if id == submitter => entries.push((name, self.value(dom, id))),
                "select" => {
                    for option in self.selected_options(dom, id) {
                        entries.push((name.clone(), option_value(dom, option)));
                    }
                }
                "textarea" => entries.push((name, self.value(dom, id))),
                "input" => match input_type(dom, id).as_str() {
                    "submit" | "button" | "reset" => {
                        if id == submitter {
                            entries.push((name, self.value(dom, id)));
                        }
                    }
                    "image" => {
                        if id == submitter {
                            entries.push((format!("{name}.x"), "0".to_owned()));
                            entries.push((format!("{name}.y"), "0".to_owned()));
                        }
                    }
                    "checkbox" | "radio" => {
                        if self.is_checked(dom, id) {
                            let value = dom.attr(id, "value").unwrap_or("on").to_owned();
                            entries.push((name, value));
                        }
                    }
                    "file" => {}
                    _ => entries.push((name, self.value(dom, id))),
                },
                _ => {}
            }
        }
        entries
    }
}

/// The form a control belongs to: the one its `form` attribute names, else its nearest ancestor form.
pub(crate) fn form_owner(dom: &Dom, id: ElementId) -> Option<ElementId> {
    match dom.attr(id, "form") {
        Some(form_id) => dom.by_id(form_id).filter(|&f| dom.tag(f) == "form"),
        None => dom.ancestors(id).find(|&a| dom.tag(a) == "form"),
    }
}

/// The radios sharing this radio's name and form, itself included.
pub(crate) fn radio_group(dom: &Dom, radio: ElementId) -> Vec<ElementId> {
    let name = dom.attr(radio, "name").unwrap_or("");
    if name.is_empty() {
        return vec![radio];
    }
    let owner = form_owner(dom, radio);
    dom.all()
        .filter(|&e| {
            dom.tag(e) == "input"
                && input_type(dom, e) == "radio"
                && dom.attr(e, "name") == Some(name)
                && form_owner(dom, e) == owner
        })
        .collect()
}

pub(crate) fn options(dom: &Dom, select: ElementId) -> Vec<ElementId> {
    dom.subtree(select).filter(|&e| dom.tag(e) == "option").collect()
}

pub(crate) fn option_value(dom: &Dom, option: ElementId) -> String {
    match dom.attr(option, "value") {
        Some(value) => value.to_owned(),
        None => collapse(&dom.raw_text(option)),
    }
}

fn controls_of(dom: &Dom, form: ElementId) -> Vec<ElementId> {
    dom.all()
        .filter(|&e| matches!(dom.tag(e), "button" | "input" | "select" | "textarea"))
        .filter(|&e| form_owner(dom, e) == Some(form))
        .collect()
}

fn submitter_or_form<'d>(
    dom: &'d Dom,
    submitter: ElementId,
    form: ElementId,
    submitter_attr: &str,
    form_attr: &str,
) -> Option<&'d str> {
    dom.attr(submitter, submitter_attr)
        .or_else(|| dom.attr(form, form_attr))
}

fn encode(entries: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(entries)
        .finish()
}
