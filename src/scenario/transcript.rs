//! The transcript of a run: each step with its virtual time, then the exchanges and SPI deliveries
//! it caused. Hosts and ports, which change between runs, are written as the site's name
//! (`marketplace:/path`, `console:/path`), so the same scenario gives the same bytes every run.

use super::agent::Exchange;
use protocol::time::spi_format;
use url::Url;

pub struct Transcript {
    lines: Vec<String>,
    sites: Vec<(String, String)>,
}

impl Transcript {
    /// `sites` maps an origin (`http://127.0.0.1:1234`) to its name.
    pub fn new(name: &str, sites: Vec<(String, String)>) -> Transcript {
        Transcript {
            lines: vec![format!("# {name}")],
            sites,
        }
    }

    /// A step's header. Steps from an included part name their file.
    pub fn step(
        &mut self,
        at: protocol::time::Instant,
        number: &str,
        file: &std::path::Path,
        line: Option<usize>,
        what: &str,
    ) {
        let place = match (number.contains('.'), line) {
            (true, Some(l)) => format!(
                " ({}:{l})",
                file.file_name().unwrap_or_default().to_string_lossy()
            ),
            (false, Some(l)) => format!(" (line {l})"),
            (_, None) => String::new(),
        };
        self.lines
            .push(format!("[{}] step {number}{place}: {what}", spi_format(at)));
    }

    /// The failure that ended the run.
    pub fn failure(&mut self, d: &super::load::Diagnostic) {
        for line in d.message.lines() {
            self.note(format!("FAILED: {line}"));
        }
    }

    /// Names `origin` `name` from now on, unless it has a name already.
    pub fn name_site(&mut self, origin: String, name: &str) {
        if !self.sites.iter().any(|(o, _)| *o == origin) {
            self.sites.push((origin, name.to_owned()));
        }
    }

    /// A line under the current step. Site origins anywhere in it (an authUrl inside an answer, say)
    /// are written as the site's name, so ports never reach a transcript.
    pub fn note(&mut self, text: impl AsRef<str>) {
        let mut line = text.as_ref().to_owned();
        for (origin, name) in &self.sites {
            if line.contains(origin.as_str()) {
                line = line.replace(origin.as_str(), &format!("{name}:"));
            }
        }
        self.lines.push(format!("    {line}"));
    }

    /// `url` with its origin replaced by the site's name.
    pub fn site_url(&self, url: &Url) -> String {
        let origin = url.origin().ascii_serialization();
        let rest = &url.as_str()[origin.len().min(url.as_str().len())..];
        match self.sites.iter().find(|(o, _)| *o == origin) {
            Some((_, name)) => format!("{name}:{rest}"),
            None => url.to_string(),
        }
    }

    pub fn exchange(&mut self, e: &Exchange) {
        let mut line = format!("{} {} → {}", e.method, self.site_url(&e.url), e.status);
        if let Some(location) = &e.location {
            line.push_str(&format!(" → {}", self.site_url(location)));
        }
        self.note(line);
    }

    pub fn text(&self) -> String {
        let mut out = self.lines.join("\n");
        out.push('\n');
        out
    }
}
