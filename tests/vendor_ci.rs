//! docs/examples/github-actions.yml runs: every `marketsim …` line of its steps (verify, and the
//! scenarios for any vendor copied where it expects them), run as the
//! workflow would (the job's environment, a shell, a fresh working folder) against the console
//! stub standing in for the vendor's service, succeeds and writes the reports it names.

use console_stub::{Console, ConsoleConfig, ConsoleWorld};
use protocol::clock::Clock;

#[tokio::test]
async fn the_example_workflows_marketsim_commands_pass_against_the_console_stub() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let world = ConsoleWorld::default_world();
    let config = ConsoleConfig::for_world(&world, &base, "http://127.0.0.1:9");
    let key = world.spi_key.clone();
    let console = Console::open(world, config, Clock::real_time(), None).unwrap();
    tokio::spawn(async move { axum::serve(listener, console_stub::router(console)).await });

    let text = std::fs::read_to_string("docs/examples/github-actions.yml").unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let steps = workflow["jobs"]["contract"]["steps"].as_sequence().unwrap();
    let commands: Vec<String> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|line| line.starts_with("marketsim "))
        .map(str::to_owned)
        .collect();
    assert!(
        commands.iter().any(|c| c.starts_with("marketsim verify ")),
        "{commands:?}"
    );

    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(
        "fixtures/marketplace.yaml",
        folder.path().join("marketsim-world.yaml"),
    )
    .unwrap();
    let scenarios = folder.path().join("marketplace-scenarios");
    std::fs::create_dir(&scenarios).unwrap();
    for entry in std::fs::read_dir("scenarios/vendor").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, scenarios.join(path.file_name().unwrap())).unwrap();
    }
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_marketsim"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in &commands {
        let out = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(folder.path())
            .env("PATH", &path)
            .env("MARKETSIM_SPI_URL", format!("{base}/aliyun/spi"))
            .env("MARKETSIM_SPI_KEY", &key)
            .env(
                "MARKETSIM_PROBE_URL",
                format!("{base}/aliyun/probe?instanceId={{instanceId}}"),
            )
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "`{command}` failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        commands.iter().any(|c| c.starts_with("marketsim run ")),
        "{commands:?}"
    );
    let scenarios = std::fs::read_to_string(folder.path().join("reports/scenarios.xml")).unwrap();
    assert!(
        scenarios.contains("failures=\"0\"") && !scenarios.contains("<skipped"),
        "{scenarios}"
    );
    let junit = std::fs::read_to_string(folder.path().join("reports/verify.xml")).unwrap();
    assert!(
        junit.contains("failures=\"0\"") && junit.contains("<testcase"),
        "{junit}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.path().join("reports/verify.json")).unwrap())
            .unwrap();
    assert!(json["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "passed"));
}
