//! Integration tests of the `hf` binary (one test binary; one module per command group).

#[macro_use]
mod common;

mod auth;
mod basics;
mod cli_reference;
mod download;
mod env;
mod inference;
mod kill;
mod load;
mod repos;
mod secrets;
mod upload;
