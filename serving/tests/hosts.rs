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
