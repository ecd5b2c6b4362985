//! What a command was doing when it failed, said by the command on its error
//! (`.doing(Operation::ChangeCollection)`), so the hints know it instead of guessing it from
//! the URL that failed.

use std::fmt;

/// An operation whose failures call for their own advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    /// Creating a repo, a branch or a tag (`--exist-ok` accepts one that exists).
    Create,
    /// Creating, changing or deleting a collection or its items.
    ChangeCollection,
    /// Opening, commenting on, renaming, closing, reopening or merging a discussion.
    ChangeDiscussion,
    /// Any call on the user's webhooks.
    Webhooks,
    /// Any call on Inference Endpoints (or their catalog) other than a deployment.
    InferenceEndpoints,
    /// Deploying a new Inference Endpoint (a name taken in the namespace is a conflict).
    DeployEndpoint,
}

/// An error with the operation it interrupted.
#[derive(Debug)]
pub(crate) struct Doing {
    pub(crate) operation: Operation,
    error: anyhow::Error,
}

/// Shows the wrapped error's message, which the error line says once (the wrapped error
/// follows in the chain, so its type stays visible to the hints).
impl fmt::Display for Doing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)
    }
}

impl std::error::Error for Doing {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.error.as_ref())
    }
}

/// Says what a command was doing: `api.create_collection(..).await.doing(Operation::ChangeCollection)`.
pub(crate) trait OperationExt<T> {
    /// Marks the error (if any) as having happened during `operation`.
    fn doing(self, operation: Operation) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> OperationExt<T> for Result<T, E> {
    fn doing(self, operation: Operation) -> anyhow::Result<T> {
        self.map_err(|error| {
            anyhow::Error::new(Doing {
                operation,
                error: error.into(),
            })
        })
    }
}

/// The innermost operation an error was marked with (the most specific one).
pub(crate) fn of(error: &anyhow::Error) -> Option<Operation> {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<Doing>())
        .map(|doing| doing.operation)
        .last()
}
