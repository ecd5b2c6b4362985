//! The one integration-test binary of hf-auth.

mod auth;
mod generated_docs;
mod http;
mod keyring;
