//! The `--allow-host` flag every server command takes (`serve`, `console`, `sandbox`): the extra
//! Host names a server answers to, and the `serving::Config` they make. It sits beneath the
//! commands, so none borrows it from a sibling.

use clap::Args;

/// The Host names a server answers to beyond the ones it always does (loopback names, IP
/// addresses, the names it was started with): a page on any other name reaching it would be a
/// DNS-rebound one.
#[derive(Args, Debug, Clone, Default)]
pub struct AllowHostArgs {
    /// Also answer requests that name the server NAME, for setups that reach it by a name such as
    /// a container's (repeatable; MARKETSIM_ALLOW_HOSTS takes a comma-separated list).
    #[arg(
        long = "allow-host",
        value_name = "NAME",
        env = "MARKETSIM_ALLOW_HOSTS",
        value_delimiter = ','
    )]
    pub allow_host: Vec<String>,
}

impl AllowHostArgs {
    /// How a server started with `names` (its host names and bind address) meets the network.
    pub fn config(&self, names: [&str; 2]) -> serving::Config {
        let given = self.allow_host.iter().map(String::as_str);
        serving::Config {
            hosts: serving::AllowedHosts::new(names.into_iter().chain(given)),
            limits: serving::Limits::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AllowHostArgs;
    use clap::Parser;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        hosts: AllowHostArgs,
    }

    #[test]
    fn allow_host_is_repeatable_and_takes_comma_separated_names() {
        let parsed =
            Command::try_parse_from(["serve", "--allow-host", "ci-a", "--allow-host", "ci-b,ci-c"]).unwrap();
        assert_eq!(parsed.hosts.allow_host, ["ci-a", "ci-b", "ci-c"]);
        let hosts = parsed.hosts.config(["my-laptop", "127.0.0.1"]).hosts;
        for name in ["ci-a", "ci-c:8080", "my-laptop:8080", "localhost"] {
            assert!(hosts.allows(name), "{name}");
        }
        assert!(!hosts.allows("rebound.example"));
    }
}
