//! The one raw HTTP/1.1 server of the tests: every answer is scripted byte by byte (lying
//! headers, endless or dripping bodies, stalls, redirect tricks), which a well-behaved
//! framework would not let us send. It listens on 127.0.0.1 only, records every request it
//! sees (headers included, so tests can prove where a token went), and stops when dropped.
//! The hostile-server tests of hf-auth, hf-hub, hf-inference and hf-cli use it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// A request as the hostile server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// Header names are lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// A header's value, its name in any letter case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    ///
    /// # Panics
    /// When it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// How the body after the head is produced.
#[derive(Debug)]
pub enum Body {
    /// These bytes, then the connection is closed.
    Bytes(Vec<u8>),
    /// This chunk repeated until the client hangs up (close-delimited).
    Endless(Vec<u8>),
    /// These chunks, one every `every`, then close (`forever` repeats the last one).
    Drip {
        chunks: Vec<Vec<u8>>,
        every: Duration,
        forever: bool,
    },
    /// Nothing more is ever sent; the connection stays open until the client gives up.
    Stall,
    /// These pieces, each flushed on its own (with a short pause every 16), so the client
    /// sees a body split anywhere (an SSE event across reads).
    Pieces(Vec<Vec<u8>>),
}

/// One scripted answer: the raw head (status line and headers, no final blank line) and a body.
#[derive(Debug)]
pub struct Reply {
    /// The status line and headers, without the final blank line.
    pub head: String,
    /// What follows the head.
    pub body: Body,
}

impl Reply {
    /// `status` with these headers and body; `Content-Length` is added unless a header sets it
    /// (or says `Transfer-Encoding`), so a test can make it lie.
    pub fn new(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Self {
        let body = body.into();
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        let mut has_length = false;
        for (name, value) in headers {
            has_length |= name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("transfer-encoding");
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !has_length {
            head.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        head.push_str("connection: close");
        Self {
            head,
            body: Body::Bytes(body),
        }
    }

    /// `status` with these headers and `body` sent in pieces of `size` bytes, with its true
    /// `Content-Length`.
    pub fn in_pieces(status: u16, headers: &[(&str, &str)], body: &[u8], size: usize) -> Self {
        let mut reply = Self::new(status, headers, Vec::new());
        reply.head = reply.head.replacen(
            "content-length: 0\r\n",
            &format!("content-length: {}\r\n", body.len()),
            1,
        );
        reply.body = Body::Pieces(body.chunks(size.max(1)).map(<[u8]>::to_vec).collect());
        reply
    }

    /// A JSON 200.
    pub fn json(value: &serde_json::Value) -> Self {
        Self::new(
            200,
            &[("content-type", "application/json")],
            serde_json::to_vec(value).expect("json"),
        )
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::new(status, &[("location", location)], Vec::new())
    }

    /// A head without a length (close-delimited body) followed by `body`.
    pub fn streaming(status: u16, headers: &[(&str, &str)], body: Body) -> Self {
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("connection: close");
        Self { head, body }
    }

    /// Sends nothing at all after reading the request.
    pub fn stall() -> Self {
        Self {
            head: String::new(),
            body: Body::Stall,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        404 => "Not Found",
        _ => "Whatever",
    }
}

type Handler = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

/// The running server; stops when dropped.
#[derive(Debug)]
pub struct HostileServer {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    sent: Arc<AtomicU64>,
    accepted: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HostileServer {
    /// Starts a server answering every request with `handler` (must be called inside a tokio runtime).
    pub async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::new(AtomicU64::new(0));
        let accepted = Arc::new(AtomicU64::new(0));
        let handler: Handler = Arc::new(handler);
        let task = {
            let seen = seen.clone();
            let sent = sent.clone();
            let accepted = accepted.clone();
            tokio::spawn(async move {
                let mut connections = tokio::task::JoinSet::new();
                loop {
                    let Ok((socket, _)) = listener.accept().await else {
                        continue;
                    };
                    accepted.fetch_add(1, Ordering::SeqCst);
                    let handler = handler.clone();
                    let seen = seen.clone();
                    let sent = sent.clone();
                    connections.spawn(async move {
                        let _ = serve(socket, &handler, &seen, &sent).await;
                    });
                    // Reap finished connections so a long test does not accumulate them.
                    while connections.try_join_next().is_some() {}
                }
            })
        };
        Self {
            port,
            seen,
            sent,
            accepted,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// Connections accepted so far (a connection that never sent a request counts too).
    pub fn connections(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Body bytes written to clients so far.
    pub fn body_bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut socket: TcpStream,
    handler: &Handler,
    seen: &Mutex<Vec<Seen>>,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let request = read_request(&mut socket).await?;
    let reply = handler(&request);
    seen.lock().expect("lock").push(request);
    if !reply.head.is_empty() {
        socket.write_all(reply.head.as_bytes()).await?;
        socket.write_all(b"\r\n\r\n").await?;
    }
    let count = |n: usize| {
        sent.fetch_add(n as u64, Ordering::SeqCst);
    };
    match reply.body {
        Body::Bytes(bytes) => {
            socket.write_all(&bytes).await?;
            count(bytes.len());
        }
        Body::Endless(chunk) => loop {
            socket.write_all(&chunk).await?;
            count(chunk.len());
        },
        Body::Drip {
            chunks,
            every,
            forever,
        } => {
            for chunk in &chunks {
                socket.write_all(chunk).await?;
                socket.flush().await?;
                count(chunk.len());
                tokio::time::sleep(every).await;
            }
            if forever {
                let last = chunks.last().cloned().unwrap_or_default();
                loop {
                    socket.write_all(&last).await?;
                    socket.flush().await?;
                    count(last.len());
                    tokio::time::sleep(every).await;
                }
            }
        }
        Body::Pieces(pieces) => {
            for (i, piece) in pieces.iter().enumerate() {
                socket.write_all(piece).await?;
                socket.flush().await?;
                count(piece.len());
                if i % 16 == 0 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        }
        Body::Stall => {
            // Hold the connection open; the client's timeout must end it.
            let mut sink = [0u8; 1024];
            while socket.read(&mut sink).await? > 0 {}
        }
    }
    socket.shutdown().await
}

async fn read_request(socket: &mut TcpStream) -> std::io::Result<Seen> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = socket.read(&mut byte).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&byte[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut byte).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&byte[..n]);
    }
    Ok(Seen {
        method,
        target,
        headers,
        body,
    })
}
