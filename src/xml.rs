//! Text inside XML, as the JUnit reports of `run` and `verify` write it: the five markup
//! characters escaped, and the control characters XML 1.0 forbids dropped (a vendor's answer may
//! hold any byte).

/// `s` made safe inside XML attributes and elements.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_is_escaped_and_forbidden_controls_dropped() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{0}\u{1b}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\n"
        );
    }
}
