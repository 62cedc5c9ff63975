//! The agent's cookie jar: one set of cookies per host and port, like separate sites.
//!
//! The simulator is served on `127.0.0.1` and the vendor console on `localhost`; keeping a jar per
//! host+port keeps their sessions apart exactly as the scenarios expect. `Path` is honoured and a
//! `Max-Age` of zero or less deletes a cookie (how servers sign a user out); `Domain`, `Expires`,
//! `Secure`, `HttpOnly` and `SameSite` are accepted and ignored, since the agent reads no wall clock
//! and never shares a cookie between hosts.

use std::collections::BTreeMap;

use url::Url;

#[derive(Debug, Default)]
pub(crate) struct CookieJar {
    by_host: BTreeMap<String, Vec<Cookie>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cookie {
    name: String,
    value: String,
    path: String,
}

impl CookieJar {
    /// Stores one `Set-Cookie` header value received from `url`.
    pub(crate) fn store(&mut self, url: &Url, set_cookie: &str) {
        let Some(host) = host_key(url) else { return };
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
            return;
        };
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let mut path = None;
        let mut expired = false;
        for attribute in parts {
            let (key, val) = attribute.split_once('=').unwrap_or((attribute, ""));
            let (key, val) = (key.trim(), val.trim());
            if key.eq_ignore_ascii_case("path") && val.starts_with('/') {
                path = Some(val.to_owned());
            } else if key.eq_ignore_ascii_case("max-age") {
                expired = val.parse::<i64>().is_ok_and(|seconds| seconds <= 0);
            }
        }
        let cookie = Cookie {
            name: name.to_owned(),
            value: value.trim().to_owned(),
            path: path.unwrap_or_else(|| default_path(url)),
        };
        let jar = self.by_host.entry(host).or_default();
        jar.retain(|c| !(c.name == cookie.name && c.path == cookie.path));
        if !expired {
            jar.push(cookie);
        }
    }

    /// The `Cookie` request header for `url`, or `None` when no cookie applies.
    pub(crate) fn header(&self, url: &Url) -> Option<String> {
        let jar = self.by_host.get(&host_key(url)?)?;
        let mut matching: Vec<&Cookie> = jar.iter().filter(|c| path_matches(url.path(), &c.path)).collect();
        // Longer paths first, as browsers send them; the sort is stable, so ties keep arrival order.
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        if matching.is_empty() {
            return None;
        }
        let pairs: Vec<String> = matching
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        Some(pairs.join("; "))
    }

    /// The value of the cookie `name` that a request to `url` would carry.
    pub(crate) fn get(&self, url: &Url, name: &str) -> Option<&str> {
        let jar = self.by_host.get(&host_key(url)?)?;
        jar.iter()
            .filter(|c| c.name == name && path_matches(url.path(), &c.path))
            .max_by_key(|c| c.path.len())
            .map(|c| c.value.as_str())
    }
}

fn host_key(url: &Url) -> Option<String> {
    Some(format!("{}:{}", url.host_str()?, url.port_or_known_default()?))
}

/// RFC 6265 §5.1.4: the request path up to, not including, its last `/`; `/` when that is empty.
fn default_path(url: &Url) -> String {
    match url.path().rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(last) => url.path()[..last].to_owned(),
    }
}

/// RFC 6265 §5.1.4 path-match.
fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || request_path[cookie_path.len()..].starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    #[test]
    fn a_cookie_is_sent_back_to_the_host_and_port_that_set_it_only() {
        let mut jar = CookieJar::default();
        jar.store(&url("http://127.0.0.1:8080/login"), "sid=abc; Path=/; HttpOnly");
        assert_eq!(
            jar.header(&url("http://127.0.0.1:8080/x")).as_deref(),
            Some("sid=abc")
        );
        assert_eq!(jar.header(&url("http://localhost:8080/x")), None);
        assert_eq!(jar.header(&url("http://127.0.0.1:8081/x")), None);
    }

    #[test]
    fn the_path_attribute_limits_where_a_cookie_is_sent() {
        let mut jar = CookieJar::default();
        jar.store(&url("http://h/"), "a=1; Path=/console");
        assert_eq!(jar.header(&url("http://h/console/bind")).as_deref(), Some("a=1"));
        assert_eq!(jar.header(&url("http://h/console")).as_deref(), Some("a=1"));
        assert_eq!(jar.header(&url("http://h/consoles")), None);
        assert_eq!(jar.header(&url("http://h/")), None);
    }

    #[test]
    fn without_a_path_the_cookie_defaults_to_the_directory_of_the_request() {
        let mut jar = CookieJar::default();
        jar.store(&url("http://h/account/login"), "a=1");
        assert_eq!(jar.header(&url("http://h/account/home")).as_deref(), Some("a=1"));
        assert_eq!(jar.header(&url("http://h/other")), None);
    }

    #[test]
    fn a_cookie_with_the_same_name_and_path_is_replaced_and_max_age_zero_deletes_it() {
        let mut jar = CookieJar::default();
        let site = url("http://h/");
        jar.store(&site, "sid=old; Path=/");
        jar.store(&site, "sid=new; Path=/");
        assert_eq!(jar.get(&site, "sid"), Some("new"));
        jar.store(&site, "sid=; Path=/; Max-Age=0");
        assert_eq!(jar.header(&site), None);
    }

    #[test]
    fn cookies_with_longer_paths_come_first_in_the_header() {
        let mut jar = CookieJar::default();
        jar.store(&url("http://h/"), "outer=1; Path=/");
        jar.store(&url("http://h/"), "inner=2; Path=/a");
        assert_eq!(
            jar.header(&url("http://h/a/b")).as_deref(),
            Some("inner=2; outer=1")
        );
    }
}
