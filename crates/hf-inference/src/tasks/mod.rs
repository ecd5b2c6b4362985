//! The typed tasks: their inputs and outputs (`types`) and the client's methods (`methods`).

mod methods;
pub(crate) mod types;

pub use types::*;
