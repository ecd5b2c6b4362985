#[cfg(feature = "blocking")]
mod blocking;
mod cache;
mod discussions;
mod download;
mod endpoints_and_curation;
mod faults;
mod hostile;
use hf_test_server::raw as hostile_server;
mod repos;
mod spaces;
mod upload;
#[cfg(feature = "xet")]
mod xet;
