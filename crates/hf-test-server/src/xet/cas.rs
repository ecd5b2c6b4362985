//! The CAS itself (Hugging Face's `LocalServer`, in-process) and the Xet access tokens this
//! Hub issued for it: the state the CAS origin's handlers work on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, header};
use xet_client::cas_client::{DirectAccessClient, LocalClient, LocalServer, MemoryClient};
use xet_core_structures::merklehash::{MerkleHash, file_hash};
use xet_core_structures::metadata_shard::file_structs::{
    FileDataSequenceEntry, FileDataSequenceHeader, FileMetadataExt, MDBFileInfo,
};
use xet_core_structures::metadata_shard::shard_in_memory::MDBInMemoryShard;
use xet_core_structures::metadata_shard::streaming_shard::MDBMinimalShard;
use xet_core_structures::xorb_object::{CompressionScheme, RawXorbData, SerializedXorbObject};

use crate::util::{now_secs, random_hex};

/// How long a Xet access token lives (the Hub's are about an hour).
pub(crate) const TOKEN_LIFETIME_SECS: u64 = 3600;

/// A Xet access token issued by `xet-read-token` / `xet-write-token`.
#[derive(Clone, Debug)]
pub(crate) struct XetGrant {
    pub(crate) write: bool,
    pub(crate) expires: u64,
}

/// The CAS and what the Hub knows about its content.
pub(crate) struct Cas {
    pub(super) client: Arc<dyn DirectAccessClient>,
    /// `http://127.0.0.1:PORT` of the CAS itself (only the front talks to it).
    pub(super) internal: String,
    pub(super) http: reqwest::Client,
    /// Access tokens issued, by value.
    grants: Mutex<HashMap<String, XetGrant>>,
    /// sha256 (hex) of each file the CAS holds → its Xet hash, learned from uploaded shards.
    by_sha256: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for Cas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cas")
            .field("internal", &self.internal)
            .finish_non_exhaustive()
    }
}

impl Cas {
    /// Starts the CAS on an internal port: on disk under `dir`, or in memory.
    pub(crate) async fn start(dir: Option<&std::path::Path>) -> std::io::Result<Cas> {
        let io = |e: String| std::io::Error::other(e);
        let ctx = xet_runtime::core::XetContext::default().map_err(|e| io(e.to_string()))?;
        let (client, deletion): (Arc<dyn DirectAccessClient>, _) = match dir {
            Some(dir) => {
                let client = LocalClient::new(ctx, dir)
                    .await
                    .map_err(|e| io(e.to_string()))?;
                (client.clone(), Some(client as _))
            }
            None => {
                let client = MemoryClient::new(ctx);
                (client.clone(), Some(client as _))
            }
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let server = LocalServer::from_client(client.clone(), deletion, "127.0.0.1".into(), port);
        let (_keep, stop) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            // The sender lives in this task, so the CAS serves until the runtime stops.
            let _keep = _keep;
            if let Err(e) = server.serve_until_stopped(listener, stop).await {
                tracing::error!("the CAS stopped: {e}");
            }
        });
        Ok(Cas {
            client,
            internal: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .map_err(|e| io(e.to_string()))?,
            grants: Mutex::new(HashMap::new()),
            by_sha256: Mutex::new(HashMap::new()),
        })
    }

    /// A new access token.
    pub(crate) fn issue(&self, write: bool) -> (String, u64) {
        let token = format!("xet_fake_{}", random_hex(24));
        let expires = now_secs() + TOKEN_LIFETIME_SECS;
        if let Ok(mut grants) = self.grants.lock() {
            grants.insert(token.clone(), XetGrant { write, expires });
        }
        (token, expires)
    }

    pub(super) fn grant(&self, headers: &HeaderMap) -> Option<XetGrant> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let token = value.strip_prefix("Bearer ")?;
        let grant = self.grants.lock().ok()?.get(token).cloned()?;
        (grant.expires >= now_secs()).then_some(grant)
    }

    /// The Xet hash of the file whose sha256 is `sha256`, if an uploaded shard named it.
    pub(crate) fn file_for_sha256(&self, sha256: &str) -> Option<String> {
        self.by_sha256.lock().ok()?.get(sha256).cloned()
    }

    /// The size of a Xet file, if the CAS has it.
    pub(crate) async fn file_size(&self, xet_hash: &str) -> Option<u64> {
        let hash = MerkleHash::from_hex(xet_hash).ok()?;
        self.client.get_file_size(&hash).await.ok()
    }

    /// Records the files an uploaded shard describes (sha256 → Xet hash).
    pub(super) fn learn_from_shard(&self, shard: &[u8]) -> Result<usize, String> {
        let parsed = MDBMinimalShard::from_reader(&mut std::io::Cursor::new(shard), true, false)
            .map_err(|e| format!("not a shard: {e}"))?;
        let mut learned = 0;
        let mut map = self.by_sha256.lock().map_err(|e| e.to_string())?;
        for i in 0..parsed.num_files() {
            let Some(file) = parsed.file(i) else { continue };
            // `hf_xet` writes the sha256 with `DataHash::from_hex`, so `hex()` gives it back
            // as the usual lowercase hex the commit's `lfsFile` oid carries.
            if let Some(ext) = file.metadata_ext() {
                map.insert(ext.sha256.hex(), file.file_hash().hex());
                learned += 1;
            }
        }
        Ok(learned)
    }

    /// Stores `data` in the CAS as one Xet file (fixed-size chunks, one xorb per 64 MiB) and
    /// returns its Xet hash. Used for seeded repos.
    pub(crate) async fn store(&self, data: &[u8]) -> Result<String, String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        let chunks = crate::util::xet_chunks(data);
        let mut shard = MDBInMemoryShard::default();
        let mut segments = Vec::new();
        // 64 MiB of 64 KiB chunks per xorb, well under the format's limits.
        for group in chunks.chunks(1024) {
            let raw = RawXorbData::from_chunks(group, vec![0]);
            shard
                .add_xorb_block(raw.xorb_info.clone())
                .map_err(|x| e(&x))?;
            let bytes: usize = group.iter().map(|c| c.data.len()).sum();
            segments.push(FileDataSequenceEntry::new(
                raw.hash(),
                bytes,
                0,
                group.len(),
            ));
            let serialized = SerializedXorbObject::from_xorb_with_compression(
                raw,
                CompressionScheme::LZ4,
                false,
                0,
            )
            .map_err(|x| e(&x))?;
            let permit = self
                .client
                .acquire_upload_permit()
                .await
                .map_err(|x| e(&x))?;
            self.client
                .upload_xorb("default", serialized, None, permit)
                .await
                .map_err(|x| e(&x))?;
        }
        let sizes: Vec<(MerkleHash, u64)> = chunks
            .iter()
            .map(|c| (c.hash, c.data.len() as u64))
            .collect();
        let hash = file_hash(&sizes);
        // Written as `hf_xet` writes it (see `learn_from_shard`).
        let sha256 =
            xet_core_structures::metadata_shard::Sha256::from_hex(&crate::util::sha256_hex(data))
                .map_err(|x| e(&x))?;
        shard
            .add_file_reconstruction_info(MDBFileInfo {
                metadata: FileDataSequenceHeader::new(hash, segments.len(), false, true),
                segments,
                verification: vec![],
                metadata_ext: Some(FileMetadataExt::new(sha256)),
            })
            .map_err(|x| e(&x))?;
        let bytes = shard.to_bytes().map_err(|x| e(&x))?;
        self.learn_from_shard(&bytes)?;
        let permit = self
            .client
            .acquire_upload_permit()
            .await
            .map_err(|x| e(&x))?;
        self.client
            .upload_shard(bytes.into(), permit, None)
            .await
            .map_err(|x| e(&x))?;
        Ok(hash.hex())
    }
}
