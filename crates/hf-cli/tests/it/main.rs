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
use hf_test_server::raw as hostile_server;
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
