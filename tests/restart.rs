//! A killed marketplace loses nothing: `kill -9` while an instance is 开通中, restart on the same
//! data directory, and the createInstance call is still delivered.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use testkit::{Page, Vendor};

/// Starts `marketsim serve` and returns it with the marketplace's base URL from its banner.
fn start(data_dir: &std::path::Path, spi_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_marketsim"))
        .args([
            "serve",
            "--port",
            "0",
            "--provisioning-delay",
            "2s",
            "--spi-url",
            spi_url,
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("marketplace") {
            let url = rest.split_whitespace().next().unwrap();
            let base = url.split("/products/").next().unwrap().to_owned();
            std::thread::spawn(move || lines.for_each(drop)); // keep draining what it prints
            return (child, base);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("marketsim serve printed no marketplace URL");
}

#[tokio::test]
async fn a_killed_marketplace_still_delivers_the_spi_after_restart() {
    let vendor = Vendor::answering("zc-1", "http://v/sso").await;
    let dir = tempfile::tempdir().unwrap();
    let spi_url = vendor.spi_url();
    let (mut first, base) = start(dir.path(), &spi_url);

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let form = http.get(format!("{base}/signin")).send().await.unwrap();
    let form_cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let form = Page::from_body(form.text().await.unwrap());
    let signed_in = http
        .post(format!("{base}/signin"))
        .header("cookie", &form_cookie)
        .form(&[
            ("csrf", form.field("csrf")),
            ("login", "buyer-1".into()),
            ("password", "buyer-1-pass".into()),
            ("return", "/".into()),
        ])
        .send()
        .await
        .unwrap();
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let dialog = http
        .get(format!("{base}/products/cmgj00061912/open"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dialog = Page::from_body(dialog);
    let opened = http
        .post(format!("{base}/products/cmgj00061912/open"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", dialog.field("csrf")),
            ("sku", dialog.field("sku")),
            ("agree", "yes".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 303, "开通 accepted");

    first.kill().unwrap(); // SIGKILL: no shutdown, no flush beyond what was committed
    first.wait().unwrap();
    assert!(vendor.calls().await.is_empty(), "killed before the SPI was due");

    let (mut second, base) = start(dir.path(), &spi_url);
    let mut delivered = false;
    for _ in 0..100 {
        if !vendor.calls().await.is_empty() {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        delivered,
        "the restarted marketplace delivered the pending createInstance"
    );
    let mut listed = String::new();
    for _ in 0..50 {
        listed = http
            .get(format!("{base}/console/services"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if listed.contains("已开通") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(
        listed.contains("已开通"),
        "the session and the instance survived the restart: {listed}"
    );
}
