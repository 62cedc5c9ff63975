//! What crosses the wire while `verify` runs: one GET to the vendor, kept as an [`Exchange`] — the
//! URL sent, the status and body received (the body capped at [`MAX_BODY`], binary shown as its
//! size), how long it took, or why no answer came — so every check reports its evidence. Redirects
//! are never followed by the HTTP client: [`follow`] walks a 免登 link's chain hop by hop, within
//! one time budget and at most [`MAX_HOPS`] hops, remembering the cookies each hop sets.

use std::time::{Duration, Instant};

/// The largest part of an answer kept: the rest is counted, not stored.
pub const MAX_BODY: usize = 1024 * 1024;
/// The most of an answer read before it counts as too large.
pub const MAX_READ: usize = 4 * MAX_BODY;
/// The most redirects a 免登 link may take before it counts as a loop.
pub const MAX_HOPS: usize = 10;

/// One request to the vendor and what came of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exchange {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set_cookies: Vec<String>,
    /// The answer's text (capped); a body that is not UTF-8 is described, not shown.
    pub body: String,
    pub millis: u128,
    /// Why there was no answer: unreachable, reset, timed out, TLS, too large.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

impl Exchange {
    /// The answer as JSON, if it was JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// Whether the vendor answered with a 2xx status.
    pub fn ok_status(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// One line for a report: `GET url → 200 (12 ms) {body…}`.
    pub fn summary(&self) -> String {
        let outcome = match (&self.failure, self.status) {
            (Some(why), _) => why.clone(),
            (None, Some(status)) => format!("{status}"),
            (None, None) => "no answer".into(),
        };
        let mut line = format!("GET {} → {outcome} ({} ms)", self.url, self.millis);
        if let Some(to) = &self.location {
            line.push_str(&format!(" Location: {to}"));
        }
        if !self.body.is_empty() {
            line.push(' ');
            line.push_str(&shorten(&self.body, 300));
        }
        line
    }
}

/// `text` cut to `max` characters, marked when cut.
pub fn shorten(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    format!("{cut}…")
}

/// The HTTP client every check shares: no redirects followed, no proxy for anything (a vendor
/// under test is reached directly), a connect timeout inside any budget.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_secs(5))
        .user_agent("marketsim-verify")
        .build()
        .expect("a plain HTTP client builds")
}

/// Sends `GET url` (with `cookies`, if any) and waits at most `budget` for the whole answer.
pub async fn get(client: &reqwest::Client, url: &str, cookies: &[String], budget: Duration) -> Exchange {
    let started = Instant::now();
    let mut exchange = Exchange {
        url: url.to_owned(),
        status: None,
        location: None,
        set_cookies: Vec::new(),
        body: String::new(),
        millis: 0,
        failure: None,
    };
    let result = tokio::time::timeout(budget, send(client, url, cookies, &mut exchange)).await;
    exchange.millis = started.elapsed().as_millis();
    match result {
        Ok(Ok(())) => {}
        Ok(Err(why)) => exchange.failure = Some(why),
        Err(_) => {
            exchange.failure = Some(format!(
                "no complete answer within the time budget of {} ms",
                budget.as_millis()
            ))
        }
    }
    exchange
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    cookies: &[String],
    exchange: &mut Exchange,
) -> Result<(), String> {
    let mut request = client.get(url);
    if !cookies.is_empty() {
        request = request.header(reqwest::header::COOKIE, cookies.join("; "));
    }
    let mut response = request.send().await.map_err(|e| cause(&e))?;
    exchange.status = Some(response.status().as_u16());
    exchange.location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    exchange.set_cookies = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect();
    let mut body = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(|e| cause(&e))? {
        total += chunk.len();
        let room = MAX_BODY.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if total > MAX_READ {
            return Err(format!("the answer is too large (more than {MAX_READ} bytes)"));
        }
    }
    let cut = total > body.len();
    exchange.body = match std::str::from_utf8(&body) {
        Ok(text) if !cut => text.to_owned(),
        Ok(text) => format!("{text}… ({total} bytes in all)"),
        // A character cut in two at the end of what was kept is still text.
        Err(e) if cut && e.error_len().is_none() => {
            let text = String::from_utf8_lossy(&body[..e.valid_up_to()]);
            format!("{text}… ({total} bytes in all)")
        }
        Err(_) => format!("<{total} bytes that are not UTF-8 text>"),
    };
    Ok(())
}

/// Why a request failed, in words a vendor engineer can act on.
fn cause(e: &reqwest::Error) -> String {
    use std::error::Error;
    // The URL is in the evidence already: said once there, not in every cause.
    let mut text = match e.url() {
        Some(url) => e.to_string().replace(&format!(" for url ({url})"), ""),
        None => e.to_string(),
    };
    let mut source = e.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    if e.is_connect() {
        format!("cannot connect ({text})")
    } else if e.is_timeout() {
        format!("timed out ({text})")
    } else {
        format!("the connection failed ({text})")
    }
}

/// A 免登 link followed hop by hop.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Chain {
    pub hops: Vec<Exchange>,
    /// Where it ended: the last URL asked for, or a redirect's target on another host the vendor
    /// named (its sign-in host), recorded but not fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landing: Option<String>,
    /// Why the walk stopped before an answer that is not a redirect (loop, budget, another host).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl Chain {
    /// The last answer.
    pub fn last(&self) -> Option<&Exchange> {
        self.hops.last()
    }

    /// The names of the cookies the chain set, sorted.
    pub fn cookie_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .hops
            .iter()
            .flat_map(|h| &h.set_cookies)
            .filter_map(|c| {
                c.split(';')
                    .next()?
                    .split('=')
                    .next()
                    .map(|n| n.trim().to_owned())
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// Follows `url`'s redirects within `budget`, sending on the cookies each hop set. A redirect to
/// `also_hosts` ends the chain there (a sign-in host of the vendor's own: recorded, not fetched);
/// one to any other host stops it.
pub async fn follow(client: &reqwest::Client, url: &str, budget: Duration, also_hosts: &[String]) -> Chain {
    let deadline = Instant::now() + budget;
    let mut chain = Chain {
        hops: Vec::new(),
        landing: None,
        stopped: None,
    };
    let mut cookies: Vec<String> = Vec::new();
    let mut next = url.to_owned();
    let origin = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned));
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            chain.stopped = Some("the time budget ran out while following redirects".into());
            return chain;
        }
        let hop = get(client, &next, &cookies, left).await;
        for set in &hop.set_cookies {
            if let Some(pair) = set.split(';').next() {
                let name = pair.split('=').next().unwrap_or_default();
                cookies.retain(|c| c.split('=').next() != Some(name));
                cookies.push(pair.trim().to_owned());
            }
        }
        let redirect = hop.status.is_some_and(|s| (300..400).contains(&s));
        let location = hop.location.clone();
        chain.hops.push(hop);
        chain.landing = Some(next.clone());
        let Some(location) = location.filter(|_| redirect) else {
            return chain;
        };
        let Some(target) = url::Url::parse(&next).and_then(|base| base.join(&location)).ok() else {
            chain.stopped = Some(format!("redirected to `{location}`, which is not a URL"));
            return chain;
        };
        let host = target.host_str().map(str::to_owned);
        if host.as_ref().is_some_and(|h| also_hosts.contains(h)) {
            chain.landing = Some(target.to_string());
            return chain;
        }
        if host != origin {
            chain.stopped = Some(format!(
                "redirected off the vendor's host to {target} (name that host in sso_hosts if it is the vendor's sign-in)"
            ));
            return chain;
        }
        if chain.hops.len() > MAX_HOPS {
            chain.stopped = Some(format!("more than {MAX_HOPS} redirects: a redirect loop"));
            return chain;
        }
        next = target.to_string();
    }
}
