#[cfg(feature = "blocking")]
mod blocking;
mod cache;
mod discussions;
mod download;
mod endpoints_and_curation;
mod faults;
mod hostile;
#[expect(
    dead_code,
    reason = "shared with the other crates' tests, which read what this crate does not"
)]
mod hostile_server;
mod repos;
mod spaces;
mod upload;
#[cfg(feature = "xet")]
mod xet;
