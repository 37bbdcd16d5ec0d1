//! Compatibility with the AWS CLI's own code (botocore, installed on the test machine): the same
//! bytes in the token cache, and each tool using a token the other one wrote or refreshed.

mod common;

use common::*;
use std::process::Command;

fn python(script: &str) -> String {
    let out = Command::new(python_with_botocore()).arg("-c").arg(script).envs(sandbox_env()).output().expect("python3 runs");
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn written_cache_file_equals_the_cli_bytes() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 100, true);
    let path = s.write_cli_token(&session, &token);
    resolve(&profile).unwrap(); // refreshes and writes the file
    let ours = std::fs::read(&path).unwrap();
    let cli_dir = s.home.join("cli-cache");
    // botocore's JSONFileCache is what the CLI writes the token cache with.
    python(&format!(
        r#"
import json
from botocore.utils import JSONFileCache
ours = json.loads(open({path:?}).read())
fields = ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt", "refreshToken"]
assert list(ours.keys()) == fields, list(ours.keys())
token = {{k: ours[k] for k in fields}}
JSONFileCache({cli_dir:?})["cli"] = token
"#,
        path = path.to_str().unwrap(),
        cli_dir = cli_dir.to_str().unwrap()
    ));
    let cli = std::fs::read(cli_dir.join("cli.json")).unwrap();
    assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&cli));
    assert_eq!(ours, cli);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        // A directory the library creates itself is 0700, its files 0600.
        let fresh = s.home.join("fresh").join("sso").join("cache");
        let file = fresh.join("x.json");
        let parsed = aws_tools_rustsso::token_cache::read_token(&path).unwrap();
        aws_tools_rustsso::token_cache::write_token(&file, &parsed).unwrap();
        assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), ours, "re-serialising gives the same bytes");
    }
}

#[test]
fn botocore_and_the_library_use_each_others_tokens() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    // 1. The library refreshes a token and writes it; botocore resolves credentials from it.
    let token = s.issue(Some(&session), 100, true);
    let path = s.write_cli_token(&session, &token);
    resolve(&profile).unwrap();
    let after_ours = read(&path);
    let creates_before = s.fake.count("oidc:CreateToken");
    let key = python(&format!(
        "import boto3\nprint(boto3.Session(profile_name={profile:?}).get_credentials().get_frozen_credentials().access_key)"
    ));
    assert!(key.trim().starts_with("ASIA"), "{key}");
    assert_eq!(s.fake.count("oidc:CreateToken"), creates_before, "botocore used our fresh token as is");
    assert_eq!(read(&path)["accessToken"], after_ours["accessToken"]);

    // 2. botocore refreshes a token near expiry (its window is 15 minutes) and writes it; the
    //    library uses what botocore wrote with no new refresh.
    let token = s.issue(Some(&session), 300, true);
    s.write_cli_token(&session, &token);
    python(&format!("import boto3\nboto3.Session(profile_name={profile:?}).get_credentials().get_frozen_credentials()"));
    let by_botocore = read(&path);
    assert_ne!(by_botocore["accessToken"], token.access_token.as_str(), "botocore refreshed");
    let refreshes = s.fake.count("oidc:CreateToken:refresh_token");
    let other = unique("p2");
    let mut config = std::fs::read_to_string(&s.config).unwrap();
    config.push_str(&format!(
        "\n[profile {other}]\nsso_session = {session}\nsso_account_id = 111122223333\nsso_role_name = AdministratorAccess\n"
    ));
    std::fs::write(&s.config, config).unwrap();
    let r = resolve(&other).expect("the library reads botocore's token");
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), refreshes, "no refresh by the library");
    assert!(r["credentials"]["access_key_id"].as_str().unwrap().starts_with("ASIA"));
}
