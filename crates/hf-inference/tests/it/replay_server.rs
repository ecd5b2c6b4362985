//! A tiny HTTP/1.1 server on 127.0.0.1 that answers with canned (recorded) responses in order
//! and keeps the requests it received, so the whole client path (URL, headers, status mapping,
//! SSE over a real socket) is exercised.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) method: String,
    /// Path and query.
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Received {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

pub(crate) struct ReplayServer {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ReplayServer {
    pub(crate) async fn start(responses: Vec<Canned>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let queue = Arc::new(Mutex::new(responses.into_iter()));
        let log = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let log = log.clone();
                let queue = queue.clone();
                tokio::spawn(async move {
                    let _ = serve(socket, &log, &queue).await;
                });
            }
        });
        Self {
            url,
            received,
            task,
        }
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.received.lock().expect("log").clone()
    }
}

async fn serve(
    mut socket: TcpStream,
    log: &Mutex<Vec<Received>>,
    queue: &Mutex<std::vec::IntoIter<Canned>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let header_end = loop {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[header_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    log.lock().expect("log").push(Received {
        method,
        target,
        headers,
        body,
    });
    let canned = queue.lock().expect("queue").next().unwrap_or(Canned {
        status: 599,
        headers: vec![("Content-Type".to_owned(), "text/plain".to_owned())],
        body: b"the replay server has no more recorded responses".to_vec(),
        piece: None,
    });
    let mut head = format!("HTTP/1.1 {} Recorded\r\n", canned.status);
    for (name, value) in &canned.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        canned.body.len()
    ));
    socket.write_all(head.as_bytes()).await?;
    match canned.piece {
        Some(size) => {
            for (i, piece) in canned.body.chunks(size.max(1)).enumerate() {
                socket.write_all(piece).await?;
                socket.flush().await?;
                // A pause now and then makes the client see the pieces in separate reads.
                if i % 16 == 0 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        }
        None => socket.write_all(&canned.body).await?,
    }
    socket.shutdown().await
}
