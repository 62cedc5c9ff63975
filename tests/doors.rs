//! The doors of a running world, over real sockets: both sites refuse a Host name they were not
//! started with (a DNS-rebound page) and answer the ones given with `--allow-host`, and
//! `marketsim sandbox` stops on Ctrl-C even while clients hold connections open.

use marketsim::world::{RunningWorld, WorldSetup};
use simulator::ClockMode;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `GET path` to the server at `url` (`http://host:port`) naming it `host`; the whole answer.
async fn get(url: &str, host: &str, path: &str) -> String {
    let addr = url
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn port(url: &str) -> &str {
    url.rsplit(':').next().unwrap()
}

#[tokio::test]
async fn both_sites_refuse_a_host_name_they_were_not_started_with() {
    let world = RunningWorld::start(WorldSetup::default_world(ClockMode::Manual))
        .await
        .unwrap();
    for (url, path) in [
        (&world.marketplace_url, "/products"),
        (&world.console_url, "/docs"),
    ] {
        let foreign = format!("rebound.example:{}", port(url));
        let answer = get(url, &foreign, path).await;
        assert!(answer.starts_with("HTTP/1.1 403"), "{url} as {foreign}: {answer}");
        assert!(answer.contains("--allow-host"), "{answer}");
        let own = url.trim_start_matches("http://");
        let answer = get(url, own, path).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{url} as {own}: {answer}");
    }
    world.stop().await;
}

#[tokio::test]
async fn both_sites_answer_the_names_they_are_allowed() {
    let mut setup = WorldSetup::default_world(ClockMode::Manual);
    setup.allow_hosts = vec!["ci-marketsim".into()];
    let world = RunningWorld::start(setup).await.unwrap();
    for (url, path) in [
        (&world.marketplace_url, "/products"),
        (&world.console_url, "/docs"),
    ] {
        let allowed = format!("ci-marketsim:{}", port(url));
        let answer = get(url, &allowed, path).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{url} as {allowed}: {answer}");
    }
    world.stop().await;
}

/// Kills the sandbox when a test ends early, so no process outlives it.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_sandbox_stops_on_ctrl_c_while_clients_hold_connections_open() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_marketsim"))
            .args(["sandbox", "--marketplace-port", "0", "--console-port", "0"])
            .env("MARKETSIM_ALLOW_HOSTS", "ci-marketsim,ci-console")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut urls = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["marketplace", url, ..] if urls.is_empty() => {
                urls.push(url.split("/products/").next().unwrap().to_owned())
            }
            ["vendor", "console", url, ..] => urls.push(url.trim_end_matches('/').to_owned()),
            _ => {}
        }
        if urls.len() == 2 {
            break;
        }
    }
    assert_eq!(urls.len(), 2, "the sandbox printed both sites");
    std::thread::spawn(move || lines.for_each(drop));

    // On each site: a connection that never speaks, and one that stops mid-header.
    let mut held = Vec::new();
    for url in &urls {
        let addr = url
            .trim_start_matches("http://")
            .replace("localhost", "127.0.0.1");
        held.push(TcpStream::connect(&addr).await.unwrap());
        let mut half = TcpStream::connect(&addr).await.unwrap();
        half.write_all(b"GET /products HTTP/1.1\r\nHost: 127.0")
            .await
            .unwrap();
        held.push(half);
    }
    let answer = get(
        &urls[0],
        urls[0].trim_start_matches("http://"),
        "/__marketsim/health",
    )
    .await;
    assert!(
        answer.ends_with("ok"),
        "the marketplace answers meanwhile: {answer}"
    );

    let interrupted = Command::new("kill")
        .args(["-INT", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    // A generous bound: the shutdown deadline is seconds; without one the sandbox never ends.
    let mut status = None;
    for _ in 0..300 {
        status = child.0.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(status.is_some(), "the sandbox still runs 30 s after Ctrl-C");
    drop(held);
}
