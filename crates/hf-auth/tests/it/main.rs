//! The one integration-test binary of hf-auth.

mod generated_docs;
mod http;
