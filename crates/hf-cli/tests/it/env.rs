//! `hf env`.

use crate::common::TestEnv;

#[test]
fn human_output() {
    let env = TestEnv::new();
    hf_snapshot!(env, ["env", "--format", "human"]);
}

#[test]
fn agent_output_is_the_default_without_a_terminal() {
    let env = TestEnv::new();
    let agent = env.run(["env"]);
    assert_eq!(agent.code, Some(0), "{}", agent.transcript());
    // `key=value` lines, snake_case keys, nothing else.
    assert!(
        agent.stdout.lines().all(|line| line
            .split_once('=')
            .is_some_and(|(key, _)| key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))),
        "{}",
        agent.stdout
    );
    assert!(
        agent
            .stdout
            .contains("router_url=https://router.huggingface.co\n"),
        "{}",
        agent.stdout
    );
}

#[test]
fn json_output_is_one_valid_object() {
    let env = TestEnv::new();
    let outcome = hf_snapshot!(env, ["env", "--format", "json"]);
    let json = outcome.json();
    assert!(json.is_object());
    assert_eq!(json["hf_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["endpoint"], "https://huggingface.co");
    assert_eq!(json["hf_home"], env.hf_home().display().to_string());
    assert_eq!(json["token_source"], "none");
}

#[test]
fn variables_change_the_report() {
    let mut env = TestEnv::new();
    let token_file = env.path("secrets/tok");
    let cache = env.path("cache");
    env.set("HF_ENDPOINT", "http://127.0.0.1:9/")
        .set("HF_HUB_CACHE", &cache)
        .set("HF_TOKEN_PATH", &token_file)
        .set("HF_HUB_OFFLINE", "yes")
        .set("HF_HUB_ETAG_TIMEOUT", "2.5")
        .set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
        .set("HTTPS_PROXY", "http://alice:pw-secret@proxy.local:3128");
    let json = env.run(["env", "--format", "json"]).json();
    assert_eq!(json["endpoint"], "http://127.0.0.1:9");
    assert_eq!(json["hub_cache"], cache.display().to_string());
    assert_eq!(json["token_path"], token_file.display().to_string());
    assert_eq!(json["offline"], true);
    assert_eq!(json["etag_timeout_secs"], 2.5);
    assert_eq!(json["implicit_token"], false);
    assert_eq!(
        json["proxies"]["HTTPS_PROXY"],
        "http://****@proxy.local:3128"
    );
    assert_eq!(json["token_source"], "none");

    // A token file makes it the source; its content never appears.
    std::fs::create_dir_all(token_file.parent().unwrap()).unwrap();
    std::fs::write(&token_file, "hf_fakeFILEtokenNEVERshownAAAA").unwrap();
    let outcome = env.run(["env", "--format", "human"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let expected = format!(
        "token source:      the token file {}\n",
        token_file.display()
    );
    assert!(outcome.stdout.contains(&expected), "{}", outcome.stdout);
    assert!(!outcome.stdout.contains("FILEtoken"));
    let json = env.run(["env", "--format", "json"]).json();
    assert_eq!(json["token_source"], "token_file");
}

#[test]
fn env_file_settings_and_token_are_reported() {
    let server = hf_test_server::TestServer::spawn(hf_test_server::ServerConfig::default())
        .expect("start the test server");
    let token = server.tokens().read.clone();
    let env = TestEnv::new();
    let dotenv = env.path("project.env");
    std::fs::write(
        &dotenv,
        format!("HF_ENDPOINT={}\nHF_TOKEN={token}\n", server.endpoint()),
    )
    .unwrap();
    let outcome = env.run(["env", "--format", "json", "--env-file"]);
    assert_eq!(outcome.code, Some(2), "--env-file needs a value");
    let outcome = env.run([
        "--env-file".as_ref(),
        dotenv.as_os_str(),
        "env".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    let json = outcome.json();
    assert_eq!(json["endpoint"], server.endpoint().trim_end_matches('/'));
    assert_eq!(json["token_source"], "env_file");
    assert!(!outcome.stdout.contains(&token[token.len() - 4..]));

    let missing = env.path("missing.env");
    let outcome = env.run(["--env-file".as_ref(), missing.as_os_str(), "env".as_ref()]);
    assert_eq!(outcome.code, Some(1), "{}", outcome.transcript());
    assert!(outcome.stderr.starts_with("error: "), "{}", outcome.stderr);
}

#[test]
fn token_from_the_environment_is_named_never_shown() {
    let server = hf_test_server::TestServer::spawn(hf_test_server::ServerConfig::default())
        .expect("start the test server");
    let token = server.tokens().write.clone();
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint())
        .set("HUGGING_FACE_HUB_TOKEN", &token);
    for format in ["human", "json"] {
        let outcome = env.run(["env", "--format", format, "-vv"]);
        assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
        assert!(outcome.stdout.contains("HUGGING_FACE_HUB_TOKEN"));
        for shown in [&outcome.stdout, &outcome.stderr] {
            assert!(!shown.contains(&token), "the token leaked");
            assert!(
                !shown.contains(&token[token.len() - 4..]),
                "a token fragment leaked"
            );
        }
    }
    env.set("HF_TOKEN", &token);
    assert_eq!(
        env.run(["env", "--format", "json"]).json()["token_source"],
        "HF_TOKEN"
    );
}

#[test]
fn malformed_variables_give_one_line_naming_them() {
    let mut env = TestEnv::new();
    env.set("HF_ENDPOINT", "huggingface.co");
    hf_snapshot!(env, ["env"], @r"
    status: 1
    ----- stderr -----
    error: invalid HF_ENDPOINT: 'huggingface.co' is not a URL (expected an absolute URL such as https://huggingface.co)
    ");
    env.set("HF_ENDPOINT", "ftp://hub.local");
    let outcome = env.run(["env", "--format", "json"]);
    assert_eq!(outcome.code, Some(1));
    assert_eq!(outcome.stdout, "");
    assert_eq!(outcome.stderr.lines().count(), 1, "{}", outcome.stderr);
    assert!(outcome.stderr.starts_with("error: invalid HF_ENDPOINT: "));

    let mut env = TestEnv::new();
    env.set("HF_HUB_DOWNLOAD_TIMEOUT", "soon");
    let outcome = env.run(["env"]);
    assert_eq!(outcome.code, Some(1));
    assert_eq!(
        outcome.stderr,
        "error: invalid HF_HUB_DOWNLOAD_TIMEOUT: 'soon' is not a number of seconds\n"
    );
}

#[test]
fn whoami_on_request_names_the_tokens_owner() {
    let server = hf_test_server::TestServer::spawn(hf_test_server::ServerConfig::default())
        .expect("start the test server");
    let mut env = TestEnv::new();
    env.endpoint(server.endpoint())
        .set("HF_TOKEN", &server.tokens().read)
        .set("HF_ROUTER_URL", "http://127.0.0.1:9/router/");
    let quiet = env.run(["env", "--json"]).json();
    assert!(quiet.get("whoami").is_none(), "no request without --whoami");
    assert!(server.requests().is_empty());
    assert_eq!(quiet["router_url"], "http://127.0.0.1:9/router");
    let asked = env.run(["env", "--whoami", "--json"]).json();
    assert_eq!(asked["whoami"]["user"], "demo-user", "{asked}");
    assert_eq!(asked["whoami"]["role"], "read");
    let human = env.run(["env", "--whoami", "--format", "human"]);
    assert!(
        human.stdout.contains("whoami:") && human.stdout.contains("demo-user (role: read)"),
        "{}",
        human.stdout
    );
    env.unset("HF_TOKEN");
    let nobody = env.run(["env", "--whoami", "--json"]);
    assert_eq!(nobody.code, Some(0), "{}", nobody.transcript());
    assert!(nobody.json()["whoami_error"].is_string());
}
