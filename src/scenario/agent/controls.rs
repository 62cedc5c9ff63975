//! Which elements a person can act on, what they are called, and whether they are enabled.
//!
//! An element's *names* are the labels a step may use for it: a link's or button's visible text (an
//! input button's `value`), a field's `<label>` text, placeholder or `aria-label`, an option's text.
//! Field labels are compared without a trailing colon or a required-field asterisk, since pages
//! write "企业邮箱：" or "密码 *" for the field a step calls 企业邮箱 or 密码. The page module uses
//! these names to find elements; the form module uses [`is_disabled`] and [`input_type`].

use super::dom::{collapse, Dom, ElementId};
use super::record::ElementKind;

/// Elements a `<label>` can label.
const LABELABLE: &[&str] = &[
    "button", "input", "meter", "output", "progress", "select", "textarea",
];

/// What kind of control the element is, or `None` if a person cannot act on it.
pub(crate) fn kind_of(dom: &Dom, id: ElementId) -> Option<ElementKind> {
    match dom.tag(id) {
        "a" if dom.has_attr(id, "href") => Some(ElementKind::Link),
        "button" => Some(ElementKind::Button),
        "textarea" | "select" => Some(ElementKind::Field),
        "option" => Some(ElementKind::Option),
        "input" => match input_type(dom, id).as_str() {
            "submit" | "image" | "reset" | "button" => Some(ElementKind::Button),
            "checkbox" => Some(ElementKind::Checkbox),
            "radio" => Some(ElementKind::Radio),
            "hidden" | "file" => None,
            _ => Some(ElementKind::Field),
        },
        _ => None,
    }
}

/// The `type` of an `<input>`, lower-cased, `text` when absent.
pub(crate) fn input_type(dom: &Dom, id: ElementId) -> String {
    dom.attr(id, "type").unwrap_or("text").trim().to_ascii_lowercase()
}

/// The `type` of a `<button>` or button-like `<input>`: `submit`, `reset` or `button`.
pub(crate) fn button_type(dom: &Dom, id: ElementId) -> String {
    let declared = dom
        .attr(id, "type")
        .unwrap_or("submit")
        .trim()
        .to_ascii_lowercase();
    match declared.as_str() {
        "reset" | "button" => declared,
        _ => "submit".to_owned(),
    }
}

/// Disabled as a browser (and Playwright) sees it: the `disabled` attribute on a form control, an
/// option or its group or select, a disabled `<fieldset>` around it (outside the fieldset's first
/// legend), or `aria-disabled="true"` on it or an ancestor.
pub(crate) fn is_disabled(dom: &Dom, id: ElementId) -> bool {
    let aria = std::iter::once(id).chain(dom.ancestors(id)).any(|e| {
        dom.attr(e, "aria-disabled")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    });
    if aria {
        return true;
    }
    let tag = dom.tag(id);
    if !matches!(tag, "button" | "input" | "select" | "textarea" | "option") {
        return false;
    }
    if dom.has_attr(id, "disabled") {
        return true;
    }
    if tag == "option" {
        return dom
            .ancestors(id)
            .any(|a| matches!(dom.tag(a), "optgroup" | "select") && dom.has_attr(a, "disabled"));
    }
    dom.ancestors(id).any(|fieldset| {
        dom.tag(fieldset) == "fieldset"
            && dom.has_attr(fieldset, "disabled")
            && !dom
                .child_elements(fieldset)
                .find(|&c| dom.tag(c) == "legend")
                .is_some_and(|legend| dom.contains(legend, id))
    })
}

/// The labels a step may use for the element, the one to show first.
pub(crate) fn names(dom: &Dom, id: ElementId, kind: ElementKind) -> Vec<String> {
    let mut names = Vec::new();
    match kind {
        ElementKind::Link | ElementKind::Button => {
            if dom.tag(id) == "input" {
                names.push(input_button_text(dom, id));
                names.push(dom.attr(id, "alt").unwrap_or("").to_owned());
            } else {
                names.push(dom.text(id));
            }
        }
        ElementKind::Option => {
            names.push(collapse(&dom.raw_text(id)));
            names.push(dom.attr(id, "label").unwrap_or("").to_owned());
        }
        ElementKind::Checkbox | ElementKind::Radio | ElementKind::Field => {
            names.extend(label_texts(dom, id));
            names.push(dom.attr(id, "placeholder").unwrap_or("").to_owned());
        }
    }
    names.push(dom.attr(id, "aria-label").unwrap_or("").to_owned());
    if let Some(ids) = dom.attr(id, "aria-labelledby") {
        let parts: Vec<String> = ids
            .split_whitespace()
            .filter_map(|i| dom.by_id(i))
            .map(|e| dom.text(e))
            .collect();
        names.push(parts.join(" "));
    }
    let mut unique: Vec<String> = Vec::new();
    for name in names.into_iter().map(|n| collapse(&n)) {
        if !name.is_empty() && !unique.contains(&name) {
            unique.push(name);
        }
    }
    unique
}

/// The element described for a message: `button "开通"`, `field "企业邮箱"`.
pub(crate) fn describe(dom: &Dom, id: ElementId, kind: ElementKind) -> String {
    let names = names(dom, id, kind);
    let name = names
        .first()
        .cloned()
        .or_else(|| dom.attr(id, "name").map(str::to_owned));
    format!("{kind} \"{}\"", name.unwrap_or_default())
}

fn input_button_text(dom: &Dom, id: ElementId) -> String {
    match (dom.attr(id, "value"), button_type(dom, id).as_str()) {
        (Some(value), _) => value.to_owned(),
        // What Chromium shows on a value-less button in a Chinese locale.
        (None, "reset") => "重置".to_owned(),
        (None, "submit") if input_type(dom, id) != "image" => "提交".to_owned(),
        (None, _) => String::new(),
    }
}

/// The texts of the `<label>` elements labelling the control, trimmed of `:`, `：` and `*`.
fn label_texts(dom: &Dom, control: ElementId) -> Vec<String> {
    dom.all()
        .filter(|&label| dom.tag(label) == "label" && labelled_control(dom, label) == Some(control))
        .map(|label| trim_label(&dom.text(label)))
        .collect()
}

fn labelled_control(dom: &Dom, label: ElementId) -> Option<ElementId> {
    let labelable = |e: ElementId| {
        LABELABLE.contains(&dom.tag(e)) && !(dom.tag(e) == "input" && input_type(dom, e) == "hidden")
    };
    match dom.attr(label, "for") {
        Some(target) => dom.by_id(target).filter(|&e| labelable(e)),
        None => dom.subtree(label).skip(1).find(|&e| labelable(e)),
    }
}

fn trim_label(text: &str) -> String {
    let trimmed = text.trim_matches(|c: char| c == '*' || c == ':' || c == '：' || c.is_whitespace());
    collapse(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_named_by_its_label_without_colon_or_asterisk_and_by_its_placeholder() {
        let dom = Dom::parse(
            "<form><label for=e>企业邮箱：</label><input id=e type=email placeholder='name@company.com'>\
             <label>密码 <span>*</span><input type=password name=p></label></form>",
        );
        let email = dom.by_id("e").expect("email");
        assert_eq!(
            names(&dom, email, ElementKind::Field),
            ["企业邮箱", "name@company.com"]
        );
        let password = dom
            .all()
            .find(|&e| dom.attr(e, "name") == Some("p"))
            .expect("password");
        assert_eq!(names(&dom, password, ElementKind::Field), ["密码"]);
    }

    #[test]
    fn a_control_in_a_disabled_fieldset_is_disabled_unless_it_is_in_the_first_legend() {
        let dom = Dom::parse(
            "<fieldset disabled><legend><input id=a></legend><input id=b></fieldset>\
             <div aria-disabled=true><a id=c href=/x>x</a></div>",
        );
        let id = |s: &str| dom.by_id(s).expect("element");
        assert!(!is_disabled(&dom, id("a")));
        assert!(is_disabled(&dom, id("b")));
        assert!(is_disabled(&dom, id("c")));
    }
}
