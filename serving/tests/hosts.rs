//! Over a real socket, a request naming the server by a name it was not started with is refused
//! (a DNS-rebound page), and the names it knows are answered.

mod common;

use common::{short_limits, Server};
use serving::AllowedHosts;

#[tokio::test]
async fn a_foreign_host_name_is_refused_and_known_names_are_answered() {
    let server = Server::start(short_limits(), AllowedHosts::new(["ci-marketsim"])).await;
    let port = server.addr.port();
    let refused = server.get(&format!("rebound.example:{port}"), "/").await;
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(refused.contains("--allow-host rebound.example"), "{refused}");
    for host in [
        format!("ci-marketsim:{port}"),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let answer = server.get(&host, "/").await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
}

#[tokio::test]
async fn a_second_host_header_or_a_foreign_absolute_target_is_refused_too() {
    use common::until_closed;
    let server = Server::start(short_limits(), AllowedHosts::default()).await;
    let port = server.addr.port();
    for request in [
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: rebound.example\r\nConnection: close\r\n\r\n"),
        format!("GET http://rebound.example:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    ] {
        let mut stream = server.send(&request).await;
        let answer = until_closed(&mut stream).await.expect("answered");
        assert!(!answer.starts_with("HTTP/1.1 200"), "{request}: {answer}");
    }
}
