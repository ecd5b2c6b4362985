//! The `Examples:` section at the end of every command's help, in one table (as Python's
//! `hf` has one on every page). A test checks that every command has one.

use clap::Command;

/// Command path (as typed after `hf`) and its examples, without the leading `$ `.
const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "hf download gpt2",
            "hf upload my-model . .",
            "hf auth whoami",
        ],
    ),
    ("auth", &["hf auth login", "hf auth whoami", "hf auth list"]),
    (
        "auth login",
        &[
            "hf auth login",
            "printf '%s' \"$TOKEN\" | hf auth login --token-stdin",
        ],
    ),
    (
        "auth logout",
        &[
            "hf auth logout",
            "hf auth logout --token-name work",
            "hf auth logout --token-name leaked --revoke",
        ],
    ),
    (
        "auth revoke",
        &[
            "hf auth revoke hf_xxx",
            "hf auth revoke hf_xxx hf_yyy",
            "hf auth revoke --from-file leaked.env",
        ],
    ),
    (
        "auth whoami",
        &["hf auth whoami", "hf auth whoami --format json"],
    ),
    ("auth list", &["hf auth list", "hf auth list -q"]),
    (
        "auth switch",
        &["hf auth switch", "hf auth switch --token-name work"],
    ),
    ("auth token", &["hf auth token"]),
    (
        "cache",
        &["hf cache ls", "hf cache rm model/gpt2", "hf cache prune"],
    ),
    (
        "cache list",
        &[
            "hf cache ls",
            "hf cache ls --revisions",
            "hf cache ls --filter \"size>1GB\" --limit 20",
            "hf cache ls --sort size:desc -q",
        ],
    ),
    (
        "cache rm",
        &[
            "hf cache rm model/gpt2",
            "hf cache rm hf://models/openai-community/gpt2/model.safetensors --dry-run",
            "hf cache rm <revision_hash> -y",
        ],
    ),
    (
        "cache prune",
        &["hf cache prune", "hf cache prune --dry-run"],
    ),
    (
        "cache verify",
        &[
            "hf cache verify gpt2",
            "hf cache verify my-dataset --repo-type dataset --revision v1",
            "hf cache verify gpt2 --local-dir ./gpt2",
        ],
    ),
    (
        "chat",
        &[
            "hf chat meta-llama/Llama-3.1-8B-Instruct \"Hello!\"",
            "hf chat Qwen/Qwen3-8B --provider together \"Write a haiku\"",
        ],
    ),
    (
        "completion",
        &["hf completion bash > ~/.local/share/bash-completion/completions/hf"],
    ),
    (
        "datasets",
        &[
            "hf datasets ls --search wiki",
            "hf datasets info HuggingFaceFW/fineweb",
        ],
    ),
    (
        "datasets list",
        &[
            "hf datasets ls --sort downloads --limit 10",
            "hf datasets ls --search wiki --author wikimedia",
            "hf datasets ls HuggingFaceFW/fineweb -R",
        ],
    ),
    (
        "datasets info",
        &[
            "hf datasets info HuggingFaceFW/fineweb",
            "hf datasets info HuggingFaceFW/fineweb --expand downloads,likes",
        ],
    ),
    (
        "datasets parquet",
        &[
            "hf datasets parquet cfahlgren1/hub-stats",
            "hf datasets parquet cfahlgren1/hub-stats --subset models --split train -q",
        ],
    ),
    (
        "datasets leaderboard",
        &[
            "hf datasets leaderboard SWE-bench/SWE-bench_Verified",
            "hf datasets leaderboard allenai/olmOCR-bench --limit 5 -q",
        ],
    ),
    (
        "datasets card",
        &[
            "hf datasets card HuggingFaceFW/fineweb",
            "hf datasets card HuggingFaceFW/fineweb --metadata --format json",
        ],
    ),
    (
        "discussions",
        &[
            "hf discussions list username/my-model",
            "hf discussions create username/my-model --title \"Bug report\"",
            "hf discussions merge username/my-model 5 --yes",
        ],
    ),
    (
        "discussions list",
        &[
            "hf discussions list username/my-model",
            "hf discussions list username/my-model --kind pull_request --status merged",
            "hf discussions list username/my-dataset --type dataset --status closed",
            "hf discussions list username/my-model --author alice --format json",
        ],
    ),
    (
        "discussions info",
        &[
            "hf discussions info username/my-model 5",
            "hf discussions info username/my-model 5 --format json",
        ],
    ),
    (
        "discussions create",
        &[
            "hf discussions create username/my-model --title \"Bug report\"",
            "hf discussions create username/my-model --title \"Feature request\" --body \"Please add X\"",
            "hf discussions create username/my-model --title \"Fix typo\" --pull-request",
            "hf discussions create username/my-model --title \"Fix rendering\" --pr --attach \"./before.png#Before the fix\"",
        ],
    ),
    (
        "discussions comment",
        &[
            "hf discussions comment username/my-model 5 --body \"Thanks for reporting!\"",
            "hf discussions comment username/my-model 5 --body \"Here is a demo:\" --attach demo.mp4",
        ],
    ),
    (
        "discussions edit",
        &[
            "hf discussions edit username/my-model 5 abc123 --body \"Updated comment.\"",
            "hf discussions edit username/my-model 5 abc123 --body-file fixed.md",
        ],
    ),
    (
        "discussions rename",
        &["hf discussions rename username/my-model 5 \"Updated title\""],
    ),
    (
        "discussions close",
        &[
            "hf discussions close username/my-model 5 --yes",
            "hf discussions close username/my-model 5 --comment \"Closing as resolved.\" --yes",
        ],
    ),
    (
        "discussions reopen",
        &["hf discussions reopen username/my-model 5 --yes"],
    ),
    (
        "discussions merge",
        &[
            "hf discussions merge username/my-model 5 --yes",
            "hf discussions merge username/my-model 5 --comment \"Merging, thanks!\" --yes",
        ],
    ),
    (
        "discussions diff",
        &["hf discussions diff username/my-model 5"],
    ),
    (
        "download",
        &[
            "hf download gpt2",
            "hf download gpt2 config.json",
            "hf download HuggingFaceFW/fineweb --repo-type dataset --include \"*.json\"",
            "hf download gpt2 --local-dir ./gpt2",
        ],
    ),
    (
        "env",
        &["hf env", "hf env --whoami", "hf env --format json"],
    ),
    (
        "infer",
        &[
            "hf infer text-classification distilbert/distilbert-base-uncased-finetuned-sst-2-english \"I love it\"",
            "hf infer feature-extraction sentence-transformers/all-MiniLM-L6-v2 \"Hello\"",
        ],
    ),
    (
        "models",
        &["hf models ls --search bert", "hf models info gpt2"],
    ),
    (
        "models list",
        &[
            "hf models ls --sort downloads --limit 10",
            "hf models ls --search llama --author meta-llama",
            "hf models ls --pipeline-tag text-generation --warm",
            "hf models ls --num-parameters min:6B,max:128B --sort likes",
            "hf models ls --no-gated --author google",
            "hf models ls gpt2 -R -h",
        ],
    ),
    (
        "models info",
        &[
            "hf models info gpt2",
            "hf models info gpt2 --expand downloads,likes,tags",
        ],
    ),
    (
        "models card",
        &[
            "hf models card gpt2",
            "hf models card gpt2 --metadata --format json",
            "hf models card gpt2 --text",
        ],
    ),
    (
        "repos",
        &["hf repos create my-model", "hf repos tag list gpt2"],
    ),
    (
        "repos create",
        &[
            "hf repos create my-model",
            "hf repos create my-dataset --repo-type dataset --private",
            "hf repos create my-space --type space --sdk gradio",
        ],
    ),
    ("repos delete", &["hf repos delete my-model --yes"]),
    (
        "repos cp",
        &[
            "hf repos cp ./config.json hf://username/my-model/config.json",
            "hf repos cp hf://openai-community/gpt2/config.json ./",
            "hf repos cp hf://openai-community/gpt2/config.json - | jq .",
            "echo hello | hf repos cp - hf://username/my-model/hello.txt",
        ],
    ),
    (
        "repos list",
        &[
            "hf repos ls",
            "hf repos ls --namespace my-org --search bert",
            "hf repos ls --type dataset -q",
        ],
    ),
    (
        "repos duplicate",
        &[
            "hf repos duplicate openai-community/gpt2",
            "hf repos duplicate org/data my-org/data-copy --type dataset --private",
        ],
    ),
    ("repos move", &["hf repos move my-model my-org/my-model"]),
    (
        "repos settings",
        &[
            "hf repos settings my-model --private",
            "hf repos settings my-model --gated auto",
        ],
    ),
    ("repos branch", &["hf repos branch create my-model dev"]),
    (
        "repos branch create",
        &[
            "hf repos branch create my-model dev",
            "hf repos branch create my-model v1-fix --revision v1",
        ],
    ),
    (
        "repos branch delete",
        &["hf repos branch delete my-model dev"],
    ),
    (
        "repos tag",
        &[
            "hf repos tag create my-model v1",
            "hf repos tag list my-model",
        ],
    ),
    (
        "repos tag create",
        &["hf repos tag create my-model v1 -m \"First release\""],
    ),
    (
        "repos tag list",
        &[
            "hf repos tag list my-model",
            "hf repos tag list my-model -q",
        ],
    ),
    (
        "repos tag delete",
        &["hf repos tag delete my-model v1 --yes"],
    ),
    (
        "repos delete-files",
        &[
            "hf repos delete-files my-model \"*.bin\"",
            "hf repos delete-files my-model logs/ --create-pr",
        ],
    ),
    (
        "spaces",
        &["hf spaces ls --search chat", "hf spaces info user/my-space"],
    ),
    (
        "spaces list",
        &[
            "hf spaces ls --sort likes --limit 10",
            "hf spaces ls --search chat",
            "hf spaces ls user/my-space -R",
        ],
    ),
    (
        "spaces info",
        &[
            "hf spaces info user/my-space",
            "hf spaces info user/my-space --expand likes,sdk",
        ],
    ),
    (
        "spaces card",
        &[
            "hf spaces card user/my-space",
            "hf spaces card user/my-space --metadata",
        ],
    ),
    ("spaces pause", &["hf spaces pause username/my-space"]),
    (
        "spaces restart",
        &[
            "hf spaces restart username/my-space",
            "hf spaces restart username/my-space --factory-reboot",
        ],
    ),
    (
        "spaces hardware",
        &["hf spaces hardware", "hf spaces hardware --format json"],
    ),
    (
        "spaces settings",
        &[
            "hf spaces settings username/my-space --sleep-time 300",
            "hf spaces settings username/my-space --hardware t4-medium",
        ],
    ),
    (
        "spaces logs",
        &[
            "hf spaces logs username/my-space",
            "hf spaces logs username/my-space --build",
            "hf spaces logs -f username/my-space",
            "hf spaces logs -n 50 username/my-space",
        ],
    ),
    (
        "spaces wait",
        &[
            "hf spaces wait username/my-space",
            "hf spaces wait username/my-space --timeout 5m",
        ],
    ),
    (
        "spaces dev-mode",
        &[
            "hf spaces dev-mode username/my-space",
            "hf spaces dev-mode username/my-space --stop",
        ],
    ),
    (
        "spaces secrets",
        &[
            "hf spaces secrets add user/my-space -s HF_TOKEN",
            "hf spaces secrets ls user/my-space",
        ],
    ),
    (
        "spaces secrets add",
        &[
            "hf spaces secrets add user/my-space -s HF_TOKEN",
            "hf spaces secrets add user/my-space --secrets-file .env.secrets",
        ],
    ),
    (
        "spaces secrets list",
        &["hf spaces secrets list user/my-space"],
    ),
    (
        "spaces secrets delete",
        &["hf spaces secrets delete user/my-space OPENAI_API_KEY --yes"],
    ),
    (
        "spaces variables",
        &[
            "hf spaces variables add user/my-space -e THEME=dark",
            "hf spaces variables ls user/my-space",
        ],
    ),
    (
        "spaces variables add",
        &[
            "hf spaces variables add user/my-space -e THEME=dark -e LEVEL=3",
            "hf spaces variables add user/my-space --env-file .env",
        ],
    ),
    (
        "spaces variables list",
        &[
            "hf spaces variables list user/my-space",
            "hf spaces variables list user/my-space --json",
        ],
    ),
    (
        "spaces variables delete",
        &["hf spaces variables delete user/my-space THEME --yes"],
    ),
    (
        "upload",
        &[
            "hf upload my-model ./model .",
            "hf upload my-model ./config.json",
            "hf upload my-dataset ./data /train --repo-type dataset",
            "hf upload my-model . . --create-pr --commit-message \"Update weights\"",
        ],
    ),
    ("version", &["hf version", "hf version --format json"]),
    (
        "datasets sql",
        &[
            "hf datasets sql \"SELECT COUNT(*) AS rows FROM read_parquet('https://huggingface.co/api/datasets/cfahlgren1/hub-stats/parquet/models/train/0.parquet')\"",
            "hf datasets sql \"SELECT * FROM read_parquet('https://huggingface.co/api/datasets/cfahlgren1/hub-stats/parquet/models/train/0.parquet') LIMIT 5\" --format json",
        ],
    ),
    (
        "spaces search",
        &[
            "hf spaces search \"generate image\"",
            "hf spaces search \"identify objects in pictures\" --sdk gradio --limit 5",
            "hf spaces search \"remove background from photo\" --description --json",
        ],
    ),
    (
        "collections",
        &[
            "hf collections ls --owner demo-org",
            "hf collections create \"My Models\"",
            "hf collections add-item demo-user/my-models-0123abcd gpt2 model",
        ],
    ),
    (
        "collections list",
        &[
            "hf collections ls",
            "hf collections ls --owner nvidia",
            "hf collections ls --item models/teknium/OpenHermes-2.5-Mistral-7B --limit 10",
        ],
    ),
    (
        "collections info",
        &["hf collections info username/my-collection-slug"],
    ),
    (
        "collections create",
        &[
            "hf collections create \"My Models\"",
            "hf collections create \"My Models\" --description \"A collection of my favorite models\" --private",
            "hf collections create \"Org Collection\" --namespace my-org",
        ],
    ),
    (
        "collections update",
        &[
            "hf collections update username/my-collection --title \"New Title\"",
            "hf collections update username/my-collection --private --theme green",
        ],
    ),
    (
        "collections delete",
        &[
            "hf collections delete username/my-collection",
            "hf collections delete username/my-collection --missing-ok",
        ],
    ),
    (
        "collections add-item",
        &[
            "hf collections add-item username/my-collection moonshotai/kimi-k2 model",
            "hf collections add-item username/my-collection Qwen/DeepPlanning dataset --note \"Useful dataset\"",
        ],
    ),
    (
        "collections update-item",
        &[
            "hf collections update-item username/my-collection ITEM_OBJECT_ID --note \"Updated note\"",
            "hf collections update-item username/my-collection ITEM_OBJECT_ID --position 0",
        ],
    ),
    (
        "collections delete-item",
        &["hf collections delete-item username/my-collection ITEM_OBJECT_ID --missing-ok"],
    ),
    (
        "endpoints",
        &[
            "hf endpoints ls",
            "hf endpoints hardware --vendor aws --accelerator gpu",
            "hf endpoints update my-endpoint --min-replica 2",
        ],
    ),
    (
        "endpoints list",
        &["hf endpoints ls", "hf endpoints ls --namespace my-org"],
    ),
    ("endpoints describe", &["hf endpoints describe my-endpoint"]),
    (
        "endpoints deploy",
        &[
            "hf endpoints deploy my-endpoint --repo gpt2 --framework pytorch --accelerator cpu --instance-size x2 --instance-type intel-icl --region us-east-1 --vendor aws",
            "hf endpoints deploy my-endpoint --repo openai/gpt-oss-120b --framework custom --engine vllm --custom-image vllm/vllm-openai:v0.23.0 --tensor-parallel-size 8 -s HF_TOKEN ...",
        ],
    ),
    (
        "endpoints update",
        &[
            "hf endpoints update my-endpoint --min-replica 2",
            "hf endpoints update my-endpoint --instance-type nvidia-l4 --instance-size x1 --accelerator gpu --wait",
        ],
    ),
    ("endpoints pause", &["hf endpoints pause my-endpoint"]),
    (
        "endpoints resume",
        &[
            "hf endpoints resume my-endpoint",
            "hf endpoints resume my-endpoint --fail-if-already-running",
        ],
    ),
    (
        "endpoints scale-to-zero",
        &["hf endpoints scale-to-zero my-endpoint"],
    ),
    (
        "endpoints delete",
        &["hf endpoints delete my-endpoint --yes"],
    ),
    (
        "endpoints hardware",
        &[
            "hf endpoints hardware",
            "hf endpoints hardware --vendor aws --accelerator gpu",
        ],
    ),
    (
        "endpoints catalog",
        &[
            "hf endpoints catalog ls",
            "hf endpoints catalog deploy --repo meta-llama/Llama-3.2-1B-Instruct",
        ],
    ),
    (
        "endpoints catalog list",
        &[
            "hf endpoints catalog ls",
            "hf endpoints catalog ls --engine vllm",
        ],
    ),
    (
        "endpoints catalog deploy",
        &[
            "hf endpoints catalog deploy --repo meta-llama/Llama-3.2-1B-Instruct",
            "hf endpoints catalog deploy --recipe sizzling-biryani-g4xsi1ac",
        ],
    ),
    (
        "endpoints wait",
        &[
            "hf endpoints wait my-endpoint",
            "hf endpoints wait my-endpoint --timeout 10m --namespace my-org",
        ],
    ),
    (
        "papers",
        &[
            "hf papers ls --date today",
            "hf papers search \"vision language\"",
            "hf papers read 2502.08025",
        ],
    ),
    (
        "papers list",
        &[
            "hf papers ls",
            "hf papers ls --sort trending",
            "hf papers ls --date 2025-01-23",
            "hf papers ls --week 2025-W09",
        ],
    ),
    (
        "papers search",
        &[
            "hf papers search \"vision language\"",
            "hf papers search \"attention mechanism\" --limit 10",
            "hf papers search \"diffusion\" --format json",
        ],
    ),
    ("papers info", &["hf papers info 2502.08025"]),
    ("papers read", &["hf papers read 2502.08025"]),
    (
        "webhooks",
        &[
            "hf webhooks ls",
            "hf webhooks create --watch model:bert-base-uncased --url https://example.com/hook",
        ],
    ),
    (
        "webhooks list",
        &["hf webhooks ls", "hf webhooks ls --format json"],
    ),
    ("webhooks info", &["hf webhooks info WEBHOOK_ID"]),
    (
        "webhooks create",
        &[
            "hf webhooks create --watch model:bert-base-uncased --url https://example.com/hook",
            "hf webhooks create --watch org:HuggingFaceH4 --watch user:julien-c --url https://example.com/hook --domain repo --secret WEBHOOK_SECRET",
            "hf webhooks create --watch model:my-org/my-model --job-id 687f911eaea852de79c4a50a -s HF_TOKEN",
        ],
    ),
    (
        "webhooks update",
        &[
            "hf webhooks update WEBHOOK_ID --url https://new.example.com/hook",
            "hf webhooks update WEBHOOK_ID --watch model:gpt2 --domain repo",
            "hf webhooks update WEBHOOK_ID --secret-file ./webhook-secret",
        ],
    ),
    ("webhooks enable", &["hf webhooks enable WEBHOOK_ID"]),
    ("webhooks disable", &["hf webhooks disable WEBHOOK_ID"]),
    ("webhooks delete", &["hf webhooks delete WEBHOOK_ID --yes"]),
];

/// The help text's last section for `path`, if the table has one.
fn section(path: &str) -> Option<String> {
    EXAMPLES
        .iter()
        .find(|(command, _)| *command == path)
        .map(|(_, examples)| {
            let mut text = "Examples:".to_owned();
            for example in *examples {
                text.push_str("\n  $ ");
                text.push_str(example);
            }
            text
        })
}

/// `command` (at `path`) and its subcommands with their examples after the help.
pub(crate) fn attach(command: Command) -> Command {
    attach_at(command, "")
}

fn attach_at(mut command: Command, path: &str) -> Command {
    if let Some(mut text) = section(path) {
        // Examples come first; a command's own closing words (the root's pointer to
        // `hf <command> --help`) stay last.
        if let Some(own) = command.get_after_help() {
            text = format!("{text}\n\n{own}");
        }
        command = command.after_long_help(text.clone()).after_help(text);
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        let child = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        command = command.mut_subcommand(&name, |sub| attach_at(sub, &child));
    }
    command
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    /// Every visible command path of the CLI.
    fn paths(command: &Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_owned());
        for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            let child = if path.is_empty() {
                sub.get_name().to_owned()
            } else {
                format!("{path} {}", sub.get_name())
            };
            paths(sub, &child, out);
        }
    }

    #[test]
    fn every_command_has_examples_and_every_example_names_a_command() {
        let mut all = Vec::new();
        paths(&crate::cli::Cli::command(), "", &mut all);
        let missing: Vec<&String> = all.iter().filter(|p| section(p).is_none()).collect();
        assert!(missing.is_empty(), "commands without examples: {missing:?}");
        let unknown: Vec<&str> = EXAMPLES
            .iter()
            .map(|(path, _)| *path)
            .filter(|path| !all.iter().any(|p| p == path))
            .collect();
        assert!(unknown.is_empty(), "examples for no command: {unknown:?}");
        // Each example runs the command it documents (or its group's alias).
        for (path, examples) in EXAMPLES {
            let group = path.split(' ').next().unwrap_or_default();
            for example in *examples {
                assert!(
                    example.contains(&format!("hf {group}")),
                    "{path}: {example}"
                );
            }
        }
    }
}
