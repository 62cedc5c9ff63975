//! `marketsim sandbox`: the marketplace and the vendor console stub in one process, on one
//! real-time clock, with the default world — click from 立即开通 to 查看阿里云账单 in a browser.

use crate::world::{RunningWorld, WorldSetup};
use clap::Args;
use console_stub::ConsoleWorld;
use simulator::ClockMode;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Address both servers listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// The marketplace's port (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub marketplace_port: u16,
    /// The vendor console's port (0 picks a free one).
    #[arg(long, default_value_t = 8081)]
    pub console_port: u16,
    /// Host name of the marketplace in URLs (another machine's browser needs a name it can reach).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Host name of the vendor console in URLs; keep it different from --host so the two sites'
    /// cookies stay apart, as on the real sites.
    #[arg(long, default_value = "localhost")]
    pub console_host: String,
    /// Keep the world in this directory across restarts (default: in memory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Time from 开通 to the first createInstance call (the world file says 2m).
    #[arg(long, default_value = "5s", value_parser = protocol::time::parse_duration)]
    pub provisioning_delay: Duration,
    /// Run the clock this many times as fast as the wall clock.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    #[command(flatten)]
    pub hosts: crate::allow_host::AllowHostArgs,
}

pub async fn run(args: SandboxArgs) -> anyhow::Result<()> {
    if !(args.speed.is_finite() && args.speed > 0.0) {
        anyhow::bail!("--speed must be a positive number, not {}", args.speed);
    }
    if args.host == args.console_host {
        anyhow::bail!(
            "--host and --console-host are both `{}`: the two sites would share cookies",
            args.host
        );
    }
    let mut setup = WorldSetup::default_world(ClockMode::RealTime { scale: args.speed });
    setup.marketplace.settings.provisioning_delay = args.provisioning_delay;
    setup.data_dir = args.data_dir.clone();
    setup.deterministic = false;
    setup.bind = args.bind.clone();
    setup.marketplace_port = args.marketplace_port;
    setup.console_port = args.console_port;
    setup.marketplace_host = args.host.clone();
    setup.console_host = args.console_host.clone();
    setup.allow_hosts = args.hosts.allow_host.clone();
    let console_world = setup.console.clone();
    let world = RunningWorld::start(setup).await?;
    print_banner(&world, &console_world, args.data_dir.as_ref());
    crate::terminal::shutdown_signal().await;
    crate::terminal::say(&["Stopping.".to_string()]);
    world.stop().await;
    Ok(())
}

fn print_banner(world: &RunningWorld, console: &ConsoleWorld, data_dir: Option<&PathBuf>) {
    let store = data_dir
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "in memory".into());
    let mut lines = vec![format!(
        "marketsim sandbox: marketplace and vendor console on one real-time clock (store: {store})"
    )];
    for p in &world.sim.world().products {
        lines.push(format!(
            "  marketplace     {}/products/{}   (start here: 立即开通)",
            world.marketplace_url, p.code
        ));
    }
    lines.push(format!("  vendor console  {}/", world.console_url));
    for b in &world.sim.world().buyers {
        lines.push(format!(
            "  buyer           {} / {}   (Alibaba Cloud account, aliUid {})",
            b.login, b.password, b.ali_uid
        ));
    }
    for v in &world.sim.world().vendors {
        lines.push(format!(
            "  vendor          {} / {}   ({}'s 生产消息: {}/seller/messages)",
            v.login, v.password, v.name, world.marketplace_url
        ));
    }
    for u in &console.users {
        let roles: Vec<String> = console
            .orgs
            .iter()
            .flat_map(|o| {
                o.members
                    .iter()
                    .filter(|m| m.email == u.email)
                    .map(move |m| format!("{} of {}", format!("{:?}", m.role).to_lowercase(), o.name))
            })
            .collect();
        lines.push(format!(
            "  console user    {} / {}   ({})",
            u.email,
            u.password,
            roles.join(", ")
        ));
    }
    lines.extend(crate::world::openapi_lines(
        world.sim.world(),
        &world.marketplace_url,
    ));
    lines.push(format!(
        "  control API     {}/__marketsim/clock",
        world.marketplace_url
    ));
    lines.push("Press Ctrl-C to stop.".into());
    crate::terminal::say(&lines);
}
