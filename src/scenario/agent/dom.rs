//! An owned snapshot of a parsed HTML document, with what a person would see of it.
//!
//! `scraper` parses the page; its tree is copied once into this plain arena so that a page can be
//! kept across `.await` points and threads. Elements are stored in document order, each knowing its
//! parent and where its subtree ends, so "is inside", "everything in this row" and "in document order"
//! are index comparisons. [`Dom::text`] is the visible text: scripts, styles, hidden elements and closed
//! dialogs are skipped, block elements are separated by a space, whitespace is collapsed.

use std::collections::{BTreeSet, HashMap};

use scraper::{Html, Node};

/// Index of an element in the document, in document order (the `<html>` element is 0).
pub(crate) type ElementId = usize;

/// Deeper elements than this are kept as leaves, so walking the tree can never exhaust the stack.
const MAX_DEPTH: usize = 256;

/// Elements laid out inline: no space is put around their text.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "img", "kbd", "label",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// Elements whose content is never page text.
const NOT_TEXT: &[&str] = &[
    "script", "style", "template", "head", "select", "textarea", "datalist",
];

#[derive(Debug)]
pub(crate) struct Dom {
    elements: Vec<Element>,
    by_id: HashMap<String, ElementId>,
    /// Dialogs closed by a `method=dialog` form since the page was loaded.
    closed: BTreeSet<ElementId>,
}

#[derive(Debug)]
struct Element {
    tag: String,
    attrs: Vec<(String, String)>,
    parent: Option<ElementId>,
    /// One past the last element of this element's subtree.
    end: ElementId,
    children: Vec<Child>,
}

#[derive(Debug)]
enum Child {
    Element(ElementId),
    Text(String),
}

impl Dom {
    pub(crate) fn parse(html: &str) -> Dom {
        let document = Html::parse_document(html);
        let root = document.root_element();
        let mut dom = Dom {
            elements: Vec::new(),
            by_id: HashMap::new(),
            closed: BTreeSet::new(),
        };
        dom.push(root.value(), None);
        let mut stack = vec![(root.children(), 0)];
        while let Some((children, parent)) = stack.last_mut() {
            let parent = *parent;
            let Some(node) = children.next() else {
                dom.finish(parent);
                stack.pop();
                continue;
            };
            match node.value() {
                Node::Text(text) => dom.elements[parent].children.push(Child::Text(text.to_string())),
                Node::Element(element) => {
                    let id = dom.push(element, Some(parent));
                    dom.elements[parent].children.push(Child::Element(id));
                    if stack.len() < MAX_DEPTH {
                        stack.push((node.children(), id));
                    } else {
                        dom.finish(id);
                    }
                }
                _ => {}
            }
        }
        dom
    }

    fn push(&mut self, element: &scraper::node::Element, parent: Option<ElementId>) -> ElementId {
        let id = self.elements.len();
        let attrs: Vec<(String, String)> = element
            .attrs()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        if let Some((_, value)) = attrs.iter().find(|(name, _)| name == "id") {
            self.by_id.entry(value.clone()).or_insert(id);
        }
        self.elements.push(Element {
            tag: element.name().to_ascii_lowercase(),
            attrs,
            parent,
            end: id + 1,
            children: Vec::new(),
        });
        id
    }

    fn finish(&mut self, id: ElementId) {
        self.elements[id].end = self.elements.len();
    }

    pub(crate) fn root(&self) -> ElementId {
        0
    }

    pub(crate) fn tag(&self, id: ElementId) -> &str {
        &self.elements[id].tag
    }

    pub(crate) fn attr(&self, id: ElementId, name: &str) -> Option<&str> {
        self.elements[id]
            .attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn has_attr(&self, id: ElementId, name: &str) -> bool {
        self.attr(id, name).is_some()
    }

    /// The element with this `id` attribute (the first one, as `getElementById` does).
    pub(crate) fn by_id(&self, id: &str) -> Option<ElementId> {
        self.by_id.get(id).copied()
    }

    pub(crate) fn all(&self) -> std::ops::Range<ElementId> {
        0..self.elements.len()
    }

    /// The element and everything inside it, in document order.
    pub(crate) fn subtree(&self, id: ElementId) -> std::ops::Range<ElementId> {
        id..self.elements[id].end
    }

    pub(crate) fn contains(&self, ancestor: ElementId, id: ElementId) -> bool {
        self.subtree(ancestor).contains(&id)
    }

    pub(crate) fn parent(&self, id: ElementId) -> Option<ElementId> {
        self.elements[id].parent
    }

    /// Parents from the nearest up to `<html>`.
    pub(crate) fn ancestors(&self, id: ElementId) -> impl Iterator<Item = ElementId> + '_ {
        std::iter::successors(self.parent(id), |&a| self.parent(a))
    }

    /// The nearest ancestor (or the element itself) that satisfies `test`.
    pub(crate) fn closest(&self, id: ElementId, test: impl Fn(ElementId) -> bool) -> Option<ElementId> {
        std::iter::once(id).chain(self.ancestors(id)).find(|&a| test(a))
    }

    pub(crate) fn child_elements(&self, id: ElementId) -> impl Iterator<Item = ElementId> + '_ {
        self.elements[id].children.iter().filter_map(|c| match c {
            Child::Element(e) => Some(*e),
            Child::Text(_) => None,
        })
    }

    pub(crate) fn role_is(&self, id: ElementId, roles: &[&str]) -> bool {
        self.attr(id, "role")
            .is_some_and(|r| roles.iter().any(|want| r.eq_ignore_ascii_case(want)))
    }

    pub(crate) fn close_dialog(&mut self, id: ElementId) {
        self.closed.insert(id);
    }

    /// Whether a person could see the element: neither it nor an ancestor is hidden.
    pub(crate) fn is_visible(&self, id: ElementId) -> bool {
        std::iter::once(id)
            .chain(self.ancestors(id))
            .all(|e| !self.hides_itself(e))
    }

    fn hides_itself(&self, id: ElementId) -> bool {
        let tag = self.tag(id);
        let style = self
            .attr(id, "style")
            .unwrap_or("")
            .replace(char::is_whitespace, "")
            .to_lowercase();
        self.has_attr(id, "hidden")
            || matches!(tag, "script" | "style" | "template" | "head" | "datalist")
            || (tag == "dialog" && (!self.has_attr(id, "open") || self.closed.contains(&id)))
            || (tag == "input"
                && self
                    .attr(id, "type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("hidden")))
            || style.contains("display:none")
            || style.contains("visibility:hidden")
    }

    /// The visible text of the element, whitespace-collapsed.
    pub(crate) fn text(&self, id: ElementId) -> String {
        if !self.is_visible(id) {
            return String::new();
        }
        let mut out = String::new();
        self.collect_text(id, &mut out);
        collapse(&out)
    }

    fn collect_text(&self, id: ElementId, out: &mut String) {
        for child in &self.elements[id].children {
            match child {
                Child::Text(text) => out.push_str(text),
                Child::Element(e) => {
                    let tag = self.tag(*e);
                    if self.hides_itself(*e) || NOT_TEXT.contains(&tag) {
                        continue;
                    }
                    let block = !INLINE.contains(&tag);
                    if block {
                        out.push(' ');
                    }
                    if tag == "img" {
                        out.push_str(self.attr(*e, "alt").unwrap_or(""));
                    }
                    self.collect_text(*e, out);
                    if block {
                        out.push(' ');
                    }
                }
            }
        }
    }

    /// The text content exactly as written (a `<textarea>`'s initial value, an `<option>`'s text).
    pub(crate) fn raw_text(&self, id: ElementId) -> String {
        let mut out = String::new();
        for child in &self.elements[id].children {
            match child {
                Child::Text(text) => out.push_str(text),
                Child::Element(e) => out.push_str(&self.raw_text(*e)),
            }
        }
        out
    }
}

/// Trims and collapses every run of whitespace to one space, as labels are compared.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_skips_scripts_styles_and_hidden_elements_and_collapses_whitespace() {
        let dom = Dom::parse(
            "<html><head><title>T</title><style>p{}</style></head><body>\
             <h1>  已购买\n 服务列表 </h1><script>var x = 1;</script><p hidden>secret</p>\
             <div style='display: none'>gone</div><dialog><h2>closed</h2></dialog>\
             <table><tr><td>Zilliz</td><td>运行中</td></tr></table><span>a</span><b>b</b></body></html>",
        );
        assert_eq!(dom.text(dom.root()), "已购买 服务列表 Zilliz 运行中 ab");
    }

    #[test]
    fn subtrees_are_contiguous_ranges_in_document_order() {
        let dom = Dom::parse("<body><div id=a><p>1</p><p>2</p></div><p id=b>3</p></body>");
        let a = dom.by_id("a").expect("a");
        let b = dom.by_id("b").expect("b");
        assert_eq!(dom.subtree(a).len(), 3);
        assert!(!dom.contains(a, b));
        assert!(dom.ancestors(b).any(|e| dom.tag(e) == "body"));
    }
}
