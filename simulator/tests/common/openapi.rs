//! Calling OpenAPI operations in tests: straight through the operation table as a given caller,
//! or as signed HTTP requests through the whole app ([`http`]).

pub use marketsim_simulator::openapi::{operation, ApiError, Call, Caller, Params};
pub use marketsim_simulator::world::Vendor;
pub use marketsim_simulator::Simulator;
pub use serde_json::Value;

pub fn call_as(
    sim: &Simulator,
    caller: &Caller,
    sts: bool,
    action: &str,
    params: &[(&str, &str)],
) -> Result<Value, ApiError> {
    let params = Params::from_pairs(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let op = operation(action).unwrap_or_else(|| panic!("{action} is an operation"));
    op.run_alone(&Call {
        sim,
        caller: *caller,
        params: &params,
        sts,
    })
}

pub fn call(
    sim: &Simulator,
    caller: &Caller,
    action: &str,
    params: &[(&str, &str)],
) -> Result<Value, ApiError> {
    call_as(sim, caller, false, action, params)
}

pub fn ok(sim: &Simulator, caller: &Caller, action: &str, params: &[(&str, &str)]) -> Value {
    call(sim, caller, action, params).unwrap_or_else(|e| panic!("{action}: {e:?}"))
}

pub fn err(sim: &Simulator, caller: &Caller, action: &str, params: &[(&str, &str)]) -> ApiError {
    match call(sim, caller, action, params) {
        Ok(v) => panic!("{action} answered {v}"),
        Err(e) => e,
    }
}

pub fn vendor(sim: &Simulator) -> Caller<'_> {
    Caller::Vendor(&sim.world().vendors[0])
}

/// A vendor with keys of its own and none of the world's products.
pub fn other_vendor() -> Caller<'static> {
    static ACME: std::sync::LazyLock<Vendor> = std::sync::LazyLock::new(|| Vendor {
        id: "acme".into(),
        name: "Acme".into(),
        spi_url: "http://localhost:9/spi".into(),
        spi_key: "acme-key".into(),
        access_key_id: "LTAI5tAcmeVendor00001".into(),
        access_key_secret: "AcmeSecret".into(),
    });
    Caller::Vendor(&ACME)
}

pub fn buyer<'w>(sim: &'w Simulator, login: &str) -> Caller<'w> {
    Caller::Buyer(sim.world().buyer(login).unwrap())
}

pub mod http {
    //! Signed requests through the whole app, as the SDKs send them.
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use marketsim_simulator::{router, Simulator};
    use protocol::openapi::{form_encode, v1, v3, Credentials};
    use serde_json::Value;
    use tower::ServiceExt;

    pub const HOST: &str = "127.0.0.1:18082";

    pub fn vendor(sim: &Simulator) -> Credentials {
        let v = &sim.world().vendors[0];
        Credentials::new(&v.access_key_id, &v.access_key_secret)
    }

    pub fn buyer(sim: &Simulator, login: &str) -> Credentials {
        let b = sim.world().buyer(login).unwrap();
        Credentials::new(&b.access_key_id, &b.access_key_secret)
    }

    pub fn sts_of(sim: &Simulator, owner: &str) -> Credentials {
        let s = sim.world().sts.iter().find(|s| s.owner == owner).unwrap();
        Credentials::sts(&s.access_key_id, &s.access_key_secret, &s.security_token)
    }

    /// Sends `request` through the whole app; the status and the JSON body.
    pub async fn send(sim: &Simulator, request: Request<Body>) -> (u16, Value) {
        let response = router(sim.clone()).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
        (status, body)
    }

    /// Sends a V3-signed request as it stands (changed after signing, or not).
    pub async fn send_v3(sim: &Simulator, signed: &v3::Signed) -> (u16, Value) {
        let mut builder = Request::builder()
            .method(signed.method.as_str())
            .uri(signed.uri());
        for (name, value) in &signed.headers {
            builder = builder.header(name.as_ref(), value);
        }
        send(sim, builder.body(Body::from(signed.body.clone())).unwrap()).await
    }

    /// Sends V1-signed `params` in the query of a `method` request, with `headers` beside them.
    pub async fn send_v1(
        sim: &Simulator,
        method: &str,
        params: &[(String, String)],
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("/?{}", form_encode(params)))
            .header("host", HOST);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        send(sim, builder.body(Body::empty()).unwrap()).await
    }

    pub async fn v3(sim: &Simulator, request: v3::Request, credentials: &Credentials) -> (u16, Value) {
        send_v3(sim, &request.sign(credentials)).await
    }

    pub async fn v1(sim: &Simulator, request: v1::Request, credentials: &Credentials) -> (u16, Value) {
        send_v1(sim, &request.method, &request.sign(credentials), &[]).await
    }
}
