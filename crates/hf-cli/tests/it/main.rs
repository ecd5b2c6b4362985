//! Integration tests of the `hf` binary (one test binary; one module per command group).

#[macro_use]
mod common;

mod auth;
mod basics;
mod cli_reference;
mod collections;
mod discussions;
mod download;
mod endpoints;
mod env;
mod floor;
#[expect(
    dead_code,
    reason = "the raw server is shared with hf-hub's tests; this crate uses part of it"
)]
#[path = "../../../hf-hub/tests/it/hostile_server.rs"]
mod hostile_server;
mod inference;
mod kill;
mod load;
mod papers;
mod repos;
mod secrets;
mod security;
mod spaces;
mod upload;
mod webhooks;
