//! Integration tests of hf-inference: replays of real recorded exchanges (`replay`), and calls
//! against hf-test-server (`server`).

mod cassette;
mod replay;
mod replay_server;
mod server;
