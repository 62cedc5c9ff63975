//! A vendor's SPI endpoint played by a wiremock server: the marketplace delivers createInstance to
//! it, and a test reads back what was delivered. Expectations mounted with `expect` are checked
//! when the vendor is dropped, as wiremock does.

use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// The path the vendor serves its SPI at.
pub const SPI_PATH: &str = "/aliyun/spi";

/// A vendor's SPI endpoint.
pub struct Vendor {
    pub server: MockServer,
}

/// A createInstance call: a `GET` whose `action` is `createInstance`. Chain matchers onto it and
/// give it an answer, then [`Vendor::mount`] it.
pub fn create_instance() -> MockBuilder {
    Mock::given(method("GET")).and(query_param("action", "createInstance"))
}

/// createInstance's answer for a ready instance `instance_id` whose 免登 URL is `auth_url`.
pub fn ready(instance_id: &str, auth_url: &str) -> ResponseTemplate {
    let body = format!(r#"{{"instanceId":"{instance_id}","appInfo":{{"authUrl":"{auth_url}"}}}}"#);
    ResponseTemplate::new(200).set_body_string(body)
}

/// Any call, whatever its action: chain an answer, mount it after the more particular ones.
pub fn any_action() -> MockBuilder {
    Mock::given(method("GET"))
}

/// The answer that takes a notification (renewInstance, expiredInstance, …): `{"success":true}`.
pub fn success() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(r#"{"success":true}"#)
}

impl Vendor {
    /// A vendor that answers nothing yet (every call is a 404 until a mock is mounted).
    pub async fn start() -> Vendor {
        Vendor {
            server: MockServer::start().await,
        }
    }

    /// A vendor answering every createInstance at once with a ready `instance_id` and `auth_url`.
    pub async fn answering(instance_id: &str, auth_url: &str) -> Vendor {
        let vendor = Vendor::start().await;
        vendor
            .mount(create_instance().respond_with(ready(instance_id, auth_url)))
            .await;
        vendor
    }

    /// A vendor opening every instance as `instance_id` with `auth_url`, and taking every other
    /// action.
    pub async fn taking_everything(instance_id: &str, auth_url: &str) -> Vendor {
        let vendor = Vendor::answering(instance_id, auth_url).await;
        vendor.mount(any_action().respond_with(success())).await;
        vendor
    }

    /// Adds `mock`; mocks mounted earlier are tried first.
    pub async fn mount(&self, mock: Mock) {
        mock.mount(&self.server).await;
    }

    /// Where the marketplace should deliver: the server's address and [`SPI_PATH`].
    pub fn spi_url(&self) -> String {
        format!("{}{SPI_PATH}", self.server.uri())
    }

    /// The parameters of every call received so far, decoded, in order.
    pub async fn calls(&self) -> Vec<Vec<(String, String)>> {
        self.server
            .received_requests()
            .await
            .expect("the server records requests")
            .iter()
            .map(|request| protocol::spi::decode_query(request.url.query().unwrap_or_default()))
            .collect()
    }
}
