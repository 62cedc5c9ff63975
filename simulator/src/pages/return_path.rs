//! Where a buyer goes after signing in. The `return` a link or a form carries is parsed as a
//! browser parses a `Location` — by the WHATWG URL parser, relative to the marketplace's own
//! origin, so tabs and line breaks are dropped and `\` reads as `/` exactly as they would be there —
//! and kept only when the URL it names is on that origin. What goes back out, into the sign-in
//! form and the `Location` header, is that URL's path and query as the parser writes them, never
//! the text that came in. Anything else leads to 已购买服务列表.

use url::Url;

/// Where a buyer goes when there is no return path, or it is not one of the marketplace's.
pub const DEFAULT: &str = "/console/services";

/// The marketplace makes no return path longer than this; a longer one is not followed.
const MAX_LEN: usize = 2048;

/// Stands for the marketplace's origin, on whatever host and port it is served: of a URL that
/// resolves on it only the path and query are used.
const SITE: &str = "http://marketplace.invalid/";

/// The same-site path and query that `raw` names, or [`DEFAULT`].
pub fn same_site(raw: Option<&str>) -> String {
    raw.filter(|raw| !raw.is_empty() && raw.len() <= MAX_LEN)
        .and_then(on_site)
        .unwrap_or_else(|| DEFAULT.to_owned())
}

fn on_site(raw: &str) -> Option<String> {
    let site = Url::parse(SITE).ok()?;
    let url = site.join(raw).ok()?;
    // `/.//host` resolves to the path `//host`, which a browser would read as another host.
    if url.origin() != site.origin() || url.path().starts_with("//") {
        return None;
    }
    Some(match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_on_the_site_comes_back_as_the_parser_writes_it() {
        assert_eq!(
            same_site(Some("/console/services/i-1?x=1")),
            "/console/services/i-1?x=1"
        );
        assert_eq!(same_site(Some("/a b?c d")), "/a%20b?c%20d");
        assert_eq!(same_site(Some("/%2F%2Fevil")), "/%2F%2Fevil");
    }

    #[test]
    fn tabs_backslashes_and_dot_segments_cannot_make_another_host() {
        for raw in [
            "/\t/evil",
            "/\r\n/evil",
            "/\\evil",
            "\\\\evil",
            "/.//evil",
            "/./\\evil",
            "//evil",
        ] {
            assert_eq!(same_site(Some(raw)), DEFAULT, "{raw:?}");
        }
    }

    #[test]
    fn other_schemes_and_hosts_lead_to_the_default_page() {
        for raw in [
            "https://evil",
            "http://evil/",
            "javascript:alert(1)",
            "https:evil",
            "http:/\\evil",
        ] {
            assert_eq!(same_site(Some(raw)), DEFAULT, "{raw:?}");
        }
    }
}
