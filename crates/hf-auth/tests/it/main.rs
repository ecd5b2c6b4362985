//! The one integration-test binary of hf-auth.

mod auth;
mod generated_docs;
mod hostile;
use hf_test_server::raw as hostile_server;
mod http;
mod keyring;
mod security;
