//! Calling OpenAPI operations in tests: straight through the operation table as a given caller,
//! or as signed HTTP requests through the whole app ([`http`], the kit's signing with the world's keys).

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
    op.call(&Call {
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
        login: "acme-seller".into(),
        password: "acme-seller-pass".into(),
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
    //! Signed requests through the whole app, as the SDKs send them: the kit's signing with the
    //! world's keys.
    use super::Caller;
    use axum::Router;
    use marketsim_simulator::{router, Simulator};
    use protocol::openapi::Credentials;
    pub use testkit::signed::*;
    pub use testkit::{send, Answer};

    /// The whole app of `sim`, built once per test as a server is: its answers share one router.
    pub fn app(sim: &Simulator) -> Router {
        router(sim.clone())
    }

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

    /// The permanent AccessKey of `caller`.
    pub fn keys_of(caller: &Caller<'_>) -> Credentials {
        match caller {
            Caller::Vendor(v) => Credentials::new(&v.access_key_id, &v.access_key_secret),
            Caller::Buyer(b) => Credentials::new(&b.access_key_id, &b.access_key_secret),
        }
    }

    /// A V3 `POST` of `action` signed with `caller`'s AccessKey: `query` in the URL, `form` in a form
    /// body.
    pub async fn send_as(
        app: &Router,
        caller: &Caller<'_>,
        action: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> Answer {
        call(app, &keys_of(caller), action, query, form).await
    }
}
