//! `hf-test-server`: runs the fake Hub standalone.
//!
//! Prints one JSON line on stdout once both ports accept connections:
//! `{"endpoint", "cdn", "cas", "inference_endpoints", "inference_catalog", "tokens": {...}, "pid"}`, then serves until SIGTERM/SIGINT.
//! Logs go to stderr.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use hf_test_server::{
    DEFAULT_CHUNK_SIZE, DEFAULT_MULTIPART_THRESHOLD, Seed, ServerConfig, TestServer,
};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SeedArg {
    Demo,
    Empty,
}

/// A local Hugging Face Hub-compatible server for tests.
#[derive(Debug, Parser)]
#[command(name = "hf-test-server", version)]
struct Args {
    /// Where blobs are stored (created if missing).
    #[arg(long)]
    data_dir: PathBuf,
    /// Hub port (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// CDN port (0 = any free port).
    #[arg(long, default_value_t = 0)]
    cdn_port: u16,
    /// Xet CAS port (0 = any free port).
    #[arg(long, default_value_t = 0)]
    cas_port: u16,
    /// Create new repos without Xet (LFS only), as the Hub did before Xet.
    #[arg(long)]
    no_xet: bool,
    /// Initial content.
    #[arg(long, value_enum, default_value_t = SeedArg::Demo)]
    seed: SeedArg,
    /// LFS objects of at least this many bytes are uploaded in multipart.
    #[arg(long, default_value_t = DEFAULT_MULTIPART_THRESHOLD)]
    multipart_threshold: u64,
    /// Multipart part size in bytes.
    #[arg(long, default_value_t = DEFAULT_CHUNK_SIZE)]
    chunk_size: u64,
    /// Do not log requests to stderr.
    #[arg(long)]
    quiet: bool,
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let server = match TestServer::spawn(ServerConfig {
        data_dir: Some(args.data_dir),
        port: args.port,
        cdn_port: args.cdn_port,
        cas_port: args.cas_port,
        xet_by_default: !args.no_xet,
        seed: match args.seed {
            SeedArg::Demo => Seed::Demo,
            SeedArg::Empty => Seed::Empty,
        },
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hf-test-server: failed to start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    server.set_multipart(args.multipart_threshold, args.chunk_size);
    server.log_requests(!args.quiet);
    let t = server.tokens();
    // Written by hand to keep the documented key order.
    let q = |s: &str| serde_json::Value::from(s).to_string();
    let line = format!(
        "{{\"endpoint\": {}, \"cdn\": {}, \"cas\": {}, \"inference_endpoints\": {}, \"inference_catalog\": {}, \"tokens\": {{\"read\": {}, \"write\": {}, \"fine_grained\": {}, \"org_write\": {}, \"expired\": {}, \"admin\": {}}}, \"pid\": {}}}",
        q(server.endpoint()),
        q(server.cdn()),
        q(server.cas()),
        q(&server.inference_endpoints()),
        q(&server.inference_catalog()),
        q(&t.read),
        q(&t.write),
        q(&t.fine_grained),
        q(&t.org_write),
        q(&t.expired),
        q(&t.admin),
        std::process::id()
    );
    println!("{line}");
    eprintln!(
        "hf-test-server: hub {} cdn {} data {}",
        server.endpoint(),
        server.cdn(),
        server.data_dir().display()
    );
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hf-test-server: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            else {
                let _ = ctrl_c.await;
                return;
            };
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
    });
    eprintln!("hf-test-server: shutting down");
    server.shutdown();
    std::process::ExitCode::SUCCESS
}
