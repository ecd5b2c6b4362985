//! `hf spaces logs`.

use futures_util::TryStreamExt as _;
use hf_hub::RepoType;

use crate::args::TokenArg;
use crate::args::parse_repo;
use crate::commands::Context;
use crate::output::OutputFormat;

#[derive(Debug, clap::Args)]
pub(crate) struct LogsArgs {
    /// The Space id (e.g. `username/repo-name`).
    pub(crate) space_id: String,
    /// Fetch the container build logs instead of the run logs. Useful when a Space is stuck
    /// in BUILD_ERROR.
    #[arg(long)]
    pub(crate) build: bool,
    /// Follow log output (stream until the server closes the stream). Without this flag,
    /// only currently available logs are printed.
    #[arg(short, long, conflicts_with = "tail")]
    pub(crate) follow: bool,
    /// Number of lines to show from the end of the logs.
    #[arg(short = 'n', long, value_name = "N")]
    pub(crate) tail: Option<usize>,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// `hf spaces logs`: lines as they come (`--follow`), or the last `--tail N`.
pub(crate) async fn space_logs(a: LogsArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let id = parse_repo(&a.space_id, Some(RepoType::Space))?.id;
    let mut options = hf_hub::api::SpaceLogOptions::default();
    options.build = a.build;
    options.follow = a.follow;
    let mut lines = api.space_logs(&id, options);
    let json = context.output.format() == OutputFormat::Json;
    let print = |output: &mut crate::output::Output, line: &hf_hub::api::SpaceLogLine| {
        if json {
            let event = serde_json::to_string(line).unwrap_or_default();
            output.write_text(&format!("{event}\n"))
        } else {
            output.write_text(&format!("{}\n", line.data.trim()))
        }
    };
    let mut tail = std::collections::VecDeque::new();
    let mut found = false;
    while let Some(line) = lines.try_next().await? {
        found |= !line.data.trim().is_empty();
        match a.tail {
            Some(n) => {
                tail.push_back(line);
                if tail.len() > n {
                    tail.pop_front();
                }
            }
            None => print(&mut context.output, &line)?,
        }
    }
    for line in &tail {
        print(&mut context.output, line)?;
    }
    if !found && !a.build {
        context
            .output
            .note(&crate::hints::space_without_run_logs(&id));
    }
    Ok(())
}
