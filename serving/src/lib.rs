//! How marketsim's servers meet the network — what the marketplace and the console stub share
//! about serving HTTP, below both of them. [`serve`] runs an axum app on a listener with the
//! [`Limits`] a local tool needs against idle and trickling clients (hyper's header-read timeout,
//! which is also the keep-alive idle timeout; a body deadline; a cap on connections; a shutdown
//! that ends within a deadline), and answers only to the Host names in its [`AllowedHosts`], so a
//! DNS-rebound page cannot reach it; [`page`] tells what a web page sent from what an SDK or a
//! server sent, for endpoints no page may call.
//!
//! Layout: [`limits`] (the numbers), [`hosts`] (the names), [`body`] (the body deadline),
//! [`server`] (the accept loop and each connection, and its [`Config`]), [`page`]. The root only
//! re-exports; every room imports only the rooms beneath it.

pub mod body;
pub mod hosts;
pub mod limits;
pub mod page;
pub mod server;

pub use hosts::AllowedHosts;
pub use limits::Limits;
pub use server::{serve, Config};
