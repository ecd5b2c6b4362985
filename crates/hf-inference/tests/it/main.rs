//! Integration tests of hf-inference: replays of real recorded exchanges (`replay`), and calls
//! against hf-test-server (`server`).

#[cfg(feature = "blocking")]
mod blocking;
mod cassette;
mod hostile;
#[expect(
    dead_code,
    reason = "the raw server is shared with hf-hub's tests; this crate uses part of it"
)]
#[path = "../../../hf-hub/tests/it/hostile_server.rs"]
mod hostile_server;
mod replay;
mod replay_server;
mod server;
