//! The one integration-test binary of hf-auth.

mod auth;
mod generated_docs;
mod hostile;
#[path = "../../../hf-hub/tests/it/hostile_server.rs"]
mod hostile_server;
mod http;
mod keyring;
mod security;
