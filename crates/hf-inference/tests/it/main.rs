//! Integration tests of hf-inference: replays of real recorded exchanges (`replay`), and calls
//! against hf-test-server (`server`).

#[cfg(feature = "blocking")]
mod blocking;
mod cassette;
mod hostile;
use hf_test_server::raw as hostile_server;
mod replay;
mod replay_server;
mod server;
