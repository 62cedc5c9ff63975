//! One navigation over HTTP: send the request with the host's cookies, store the cookies that come
//! back, and follow redirects hop by hop so that every hop is recorded as an [`Exchange`].
//!
//! Redirects follow the browser rules: 303, and 301/302 after a POST, become a GET without a body;
//! 307 and 308 repeat the method and body. The body of the final response becomes the next page.

use reqwest::header::{HeaderValue, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use url::Url;

use super::cookies::CookieJar;
use super::error::AgentError;
use super::record::{Exchange, Method};

/// The most of a page the agent reads: pages it opens may be any vendor's, and one that never
/// ends must end the step, not fill the memory.
pub(crate) const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// A request a page asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// A form body, already `application/x-www-form-urlencoded`.
    pub(crate) body: Option<String>,
    /// The page the request comes from; its origin goes in the `Origin` header of a POST.
    pub(crate) from: Option<Url>,
}

/// The response at the end of the redirect chain.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) url: Url,
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// Everything a navigation needs from the agent.
pub(crate) struct Browser<'a> {
    pub(crate) client: &'a reqwest::Client,
    pub(crate) cookies: &'a mut CookieJar,
    pub(crate) exchanges: &'a mut Vec<Exchange>,
    pub(crate) max_redirects: usize,
}

impl Browser<'_> {
    pub(crate) async fn navigate(&mut self, mut request: Request) -> Result<Response, AgentError> {
        let start = request.url.to_string();
        for _hop in 0..=self.max_redirects {
            let response = self.send(&request).await?;
            let status = response.status().as_u16();
            let location = match response.headers().get(LOCATION) {
                Some(value) if matches!(status, 301 | 302 | 303 | 307 | 308) => {
                    let raw = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    let resolved = request
                        .url
                        .join(raw.trim())
                        .map_err(|source| AgentError::InvalidUrl {
                            url: raw.clone(),
                            source,
                        })?;
                    Some(resolved)
                }
                _ => None,
            };
            self.exchanges.push(Exchange {
                method: request.method,
                url: request.url.clone(),
                status,
                location: location.clone(),
            });
            let Some(next) = location else {
                let body = read_page(&request, response).await?;
                return Ok(Response {
                    url: request.url,
                    status,
                    body,
                });
            };
            if status == 303 || (matches!(status, 301 | 302) && request.method == Method::Post) {
                request = Request {
                    method: Method::Get,
                    url: next,
                    body: None,
                    from: request.from,
                };
            } else {
                request.url = next;
            }
        }
        Err(AgentError::TooManyRedirects {
            url: start,
            limit: self.max_redirects,
        })
    }

    async fn send(&mut self, request: &Request) -> Result<reqwest::Response, AgentError> {
        let mut url = request.url.clone();
        url.set_fragment(None);
        let mut builder = match request.method {
            Method::Get => self.client.get(url.clone()),
            Method::Post => self.client.post(url.clone()),
        };
        builder = builder.header("accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        builder = builder.header("accept-language", "zh-CN,zh;q=0.9");
        if let Some(cookie) = self.cookies.header(&url) {
            builder = builder.header(COOKIE, cookie);
        }
        if let Some(body) = &request.body {
            // Browsers send the submitting page's origin with every POST; CSRF checks may read it.
            let origin = request
                .from
                .as_ref()
                .map(|page| page.origin().ascii_serialization());
            if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
                builder = builder.header(ORIGIN, origin);
            }
            builder = builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone());
        }
        let response = builder
            .send()
            .await
            .map_err(|source| http_error(request, source))?;
        for set_cookie in response.headers().get_all(SET_COOKIE) {
            self.cookies
                .store(&url, &String::from_utf8_lossy(set_cookie.as_bytes()));
        }
        Ok(response)
    }
}

/// The body of `response`, as text, up to [`MAX_PAGE_BYTES`]; a longer one is an error naming
/// the URL.
async fn read_page(request: &Request, mut response: reqwest::Response) -> Result<String, AgentError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|source| http_error(request, source))?
    {
        if bytes.len() + chunk.len() > MAX_PAGE_BYTES {
            return Err(AgentError::PageTooLarge {
                url: request.url.to_string(),
                limit: MAX_PAGE_BYTES,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn http_error(request: &Request, source: reqwest::Error) -> AgentError {
    AgentError::Http {
        method: request.method.to_string(),
        url: request.url.to_string(),
        source,
    }
}
