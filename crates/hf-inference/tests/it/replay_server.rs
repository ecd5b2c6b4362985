//! Canned (recorded) responses answered in order by the tests' raw HTTP server
//! (`hf_test_server::raw`), which keeps the requests it received, so the whole client path
//! (URL, headers, status mapping, SSE over a real socket) is exercised.

use std::sync::Mutex;

use hf_test_server::raw::{HostileServer, Reply};

use crate::cassette::Interaction;

/// One response to serve.
#[derive(Debug, Clone)]
pub(crate) struct Canned {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// Write the body in pieces of this size (with a short pause), to split SSE events anywhere.
    pub(crate) piece: Option<usize>,
}

impl Canned {
    /// The recorded response, minus the framing headers (this server sets its own).
    pub(crate) fn from_recording(interaction: &Interaction) -> Self {
        let skip = [
            "content-length",
            "transfer-encoding",
            "connection",
            "content-encoding",
            "keep-alive",
        ];
        Self {
            status: interaction.status,
            headers: interaction
                .headers
                .iter()
                .filter(|(n, _)| !skip.contains(&n.to_ascii_lowercase().as_str()))
                .cloned()
                .collect(),
            body: interaction.body.clone(),
            piece: None,
        }
    }

    pub(crate) fn in_pieces(mut self, size: usize) -> Self {
        self.piece = Some(size);
        self
    }
}

/// A request the server received.
pub(crate) type Received = hf_test_server::raw::Seen;

/// The recorded responses, served in order over the tests' one raw HTTP server.
pub(crate) struct ReplayServer {
    server: HostileServer,
    url: String,
}

impl ReplayServer {
    pub(crate) async fn start(responses: Vec<Canned>) -> Self {
        let queue = Mutex::new(responses.into_iter());
        let server = HostileServer::start(move |_| {
            let canned = queue.lock().expect("queue").next().unwrap_or(Canned {
                status: 599,
                headers: vec![("Content-Type".to_owned(), "text/plain".to_owned())],
                body: b"the replay server has no more recorded responses".to_vec(),
                piece: None,
            });
            let headers: Vec<(&str, &str)> = canned
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            match canned.piece {
                Some(size) => Reply::in_pieces(canned.status, &headers, &canned.body, size),
                None => Reply::new(canned.status, &headers, canned.body.clone()),
            }
        })
        .await;
        let url = server.url();
        Self { server, url }
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.server.seen()
    }
}
