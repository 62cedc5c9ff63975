//! The Host names a server answers to. A page on `http://rebound.example:8080` whose owner points
//! that name at 127.0.0.1 (DNS rebinding) talks to the local server as if it were its own origin,
//! but the Host header still says `rebound.example`; refusing names the server was not started
//! with closes that door. Answered: the names it was started with (its `--host`, bind address,
//! console host), the loopback names (`localhost`, `*.localhost`), every IP literal (an address is
//! not a name, so it cannot be rebound) and the names given with `--allow-host`. Ports are not
//! compared: a rebound page uses the server's own port anyway.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use std::net::IpAddr;

/// The names a server answers to besides loopback names and IP literals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    names: Vec<String>,
}

impl AllowedHosts {
    /// Answers to `names` (a port or a trailing dot is ignored, case too) and to loopback names
    /// and IP literals.
    pub fn new<I, S>(names: I) -> AllowedHosts
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut hosts = AllowedHosts { names: Vec::new() };
        for name in names {
            let name = bare_name(name.as_ref()).to_ascii_lowercase();
            if !name.is_empty() && !hosts.allows(&name) {
                hosts.names.push(name);
            }
        }
        hosts
    }

    /// Whether a request naming the server `host` (a Host header: `name`, `name:port`,
    /// `[v6]:port`) is answered.
    pub fn allows(&self, host: &str) -> bool {
        let name = bare_name(host);
        name.parse::<IpAddr>().is_ok()
            || is_localhost(name)
            || self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// The refusal for `request`, or None when its Host is answered. A request without a Host
    /// (no browser sends one) names nothing to refuse.
    /// Every name the request gives is judged: each Host header (a second one must not slip a
    /// name past the first) and an absolute-form target's authority (which HTTP/1.1 puts first).
    pub fn refusal<B>(&self, request: &Request<B>) -> Option<Response<Body>> {
        let headers = request.headers().get_all(header::HOST).iter();
        let named = headers
            .map(|value| value.to_str().unwrap_or("(not text)"))
            .chain(request.uri().authority().map(|a| a.as_str()));
        let host = named.into_iter().find(|host| !self.allows(host))?;
        let name = bare_name(host);
        let known: String = self.names.iter().map(|n| format!(", {n}")).collect();
        let text = format!(
            "This server does not answer to the name `{name}` (it answers to localhost, IP \
             addresses{known}). To reach it by `{name}` on purpose, start it with --allow-host {name} \
             (or set MARKETSIM_ALLOW_HOSTS={name}).\n"
        );
        let mut response = Response::new(Body::from(text));
        *response.status_mut() = StatusCode::FORBIDDEN;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        Some(response)
    }
}

/// `host` without its port, IPv6 brackets or trailing dot.
fn bare_name(host: &str) -> &str {
    let host = host.trim();
    let name = if let Some(bracketed) = host.strip_prefix('[') {
        match bracketed.split_once(']') {
            // `[v6]` or `[v6]:port`; anything else after the bracket keeps the whole (refused) text.
            Some((v6, "")) => v6,
            Some((v6, port))
                if port
                    .strip_prefix(':')
                    .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
            {
                v6
            }
            _ => host,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    name.strip_suffix('.').unwrap_or(name)
}

/// `localhost` and the names under it, which resolve to loopback by definition (RFC 6761).
fn is_localhost(name: &str) -> bool {
    let name = name.as_bytes();
    let suffix = b".localhost";
    name.eq_ignore_ascii_case(b"localhost")
        || (name.len() > suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix))
}

#[cfg(test)]
mod tests {
    use super::AllowedHosts;

    #[test]
    fn loopback_names_ip_literals_and_the_given_names_are_answered() {
        let hosts = AllowedHosts::new(["My-Laptop", "ci-marketsim:8080"]);
        for host in [
            "localhost",
            "localhost:8081",
            "LocalHost.",
            "console.localhost:8081",
            "127.0.0.1:8080",
            "127.3.4.5",
            "[::1]:8080",
            "::1",
            "10.0.0.7:8080",
            "[fe80::1]",
            "my-laptop:8080",
            "MY-LAPTOP",
            "ci-marketsim",
            "ci-marketsim:9000",
        ] {
            assert!(hosts.allows(host), "{host}");
        }
    }

    #[test]
    fn other_names_are_refused_whatever_they_resemble() {
        let hosts = AllowedHosts::new(["my-laptop"]);
        for host in [
            "rebound.example",
            "rebound.example:8080",
            "localhost.rebound.example",
            "127.0.0.1.nip.io",
            "my-laptop.rebound.example",
            "notlocalhost",
            ".localhost",
            "",
            "[rebound.example]",
            "[::1]rebound.example",
            "[::1]:abc",
        ] {
            assert!(!hosts.allows(host), "{host}");
        }
    }

    #[tokio::test]
    async fn a_refusal_names_the_flag_that_allows_the_name() {
        let hosts = AllowedHosts::new(["127.0.0.1", "localhost", "my-laptop", "MY-LAPTOP:8080"]);
        let request = axum::http::Request::get("/")
            .header("host", "rebound.example:8080")
            .body(())
            .unwrap();
        let refusal = hosts.refusal(&request).expect("refused");
        assert_eq!(refusal.status(), 403);
        let text = axum::body::to_bytes(refusal.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&text);
        assert!(
            text.contains("(it answers to localhost, IP addresses, my-laptop)"),
            "{text}"
        );
        assert!(text.contains("--allow-host rebound.example "), "{text}");
        let allowed = axum::http::Request::get("/")
            .header("host", "my-laptop:8080")
            .body(())
            .unwrap();
        assert!(hosts.refusal(&allowed).is_none());
        let bare = axum::http::Request::get("/").body(()).unwrap();
        assert!(hosts.refusal(&bare).is_none(), "no Host, nothing to refuse");
    }
}
