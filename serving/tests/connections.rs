//! Connections that idle or trickle end after their timeouts while other requests are answered;
//! over the cap, new connections wait; a shutdown ends within its grace whatever clients hold.

mod common;

use common::{already_closed, read_until, short_limits, until_closed, Server, GENEROUS};
use serving::{AllowedHosts, Limits};
use std::time::Duration;

#[tokio::test]
async fn silent_and_half_sent_connections_are_closed_while_other_requests_are_answered() {
    let server = Server::start(short_limits(), AllowedHosts::default()).await;
    let mut silent = server.connect().await;
    let mut half_sent = server.send("GET / HTTP/1.1\r\nHost: 127.0").await;
    let answer = server.get("127.0.0.1", "/").await;
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"),
        "{answer}"
    );
    assert!(
        until_closed(&mut silent).await.is_some(),
        "a silent connection stays open"
    );
    assert!(
        until_closed(&mut half_sent).await.is_some(),
        "a half-sent header stays open"
    );
}

#[tokio::test]
async fn a_kept_alive_connection_that_falls_silent_is_closed() {
    let server = Server::start(short_limits(), AllowedHosts::default()).await;
    let mut kept = server.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    assert!(read_until(&mut kept, "ok").await, "the first request is answered");
    assert!(
        until_closed(&mut kept).await.is_some(),
        "an idle kept-alive connection stays open"
    );
}

#[tokio::test]
async fn a_body_that_trickles_is_refused_and_its_connection_closed() {
    let server = Server::start(short_limits(), AllowedHosts::default()).await;
    let mut slow = server
        .send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789")
        .await;
    let answer = until_closed(&mut slow)
        .await
        .expect("a trickling body is cut off");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let mut whole = server
        .send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
        .await;
    let answer = until_closed(&mut whole).await.unwrap();
    assert!(answer.ends_with("\r\n\r\n3"), "a whole body is read: {answer}");
}

#[tokio::test]
async fn over_the_cap_a_new_connection_waits_until_an_old_one_ends() {
    let limits = Limits {
        max_connections: 1,
        ..short_limits()
    };
    let server = Server::start(limits, AllowedHosts::default()).await;
    let first = server.connect().await;
    // Accepted only once the silent first connection has been closed by its header timeout.
    let answer = server.get("127.0.0.1", "/").await;
    assert!(answer.ends_with("ok"), "{answer}");
    assert!(
        already_closed(first),
        "the second connection was served beside the first"
    );
}

#[tokio::test]
async fn a_client_that_never_reads_its_answers_is_dropped_and_frees_its_place() {
    let limits = Limits {
        max_connections: 1,
        ..short_limits()
    };
    let server = Server::start(limits, AllowedHosts::default()).await;
    let flood = server
        .pipeline_without_reading("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    // Served only once the first connection, stuck writing answers nobody reads, is dropped.
    let answer = server.get("127.0.0.1", "/").await;
    assert!(answer.ends_with("ok"), "{answer}");
    flood.abort();
}

#[tokio::test]
async fn a_shutdown_ends_within_its_grace_while_clients_hold_connections_open() {
    let limits = Limits {
        header_read: Duration::from_secs(60),
        ..short_limits()
    };
    let mut server = Server::start(limits, AllowedHosts::default()).await;
    let mut silent = server.connect().await;
    let mut half_sent = server.send("GET / HTTP/1.1\r\nHost: 127.0").await;
    let mut kept = server.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    assert!(read_until(&mut kept, "ok").await);
    server.stop();
    let ended = tokio::time::timeout(GENEROUS, &mut server.task).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "the server still runs: {ended:?}"
    );
    for stream in [&mut silent, &mut half_sent, &mut kept] {
        assert!(until_closed(stream).await.is_some());
    }
}

#[tokio::test]
async fn a_request_in_flight_at_shutdown_is_answered() {
    let limits = Limits {
        shutdown_grace: GENEROUS,
        ..short_limits()
    };
    let mut server = Server::start(limits, AllowedHosts::default()).await;
    let mut waiting = server.send("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    server.held.started.notified().await;
    server.stop();
    server.held.release.notify_one();
    let answer = until_closed(&mut waiting).await.expect("closed after its answer");
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("done"),
        "{answer}"
    );
    let ended = tokio::time::timeout(GENEROUS, &mut server.task).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
}
