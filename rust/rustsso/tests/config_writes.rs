//! Config edits: concurrent writers lose nothing, and `~` in AWS_CONFIG_FILE is expanded for
//! writing as aws-config expands it for reading.

mod common;

use common::*;
use serde_json::json;

#[test]
fn concurrent_edits_all_land() {
    let s = Sandbox::new("# hand-written\n[default]\nregion = us-east-1\n");
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let caller = s.caller.clone();
            std::thread::spawn(move || {
                caller.enter();
                call(
                    "config.edit",
                    json!({ "sections": [{ "header": format!("profile p{i}"), "values": [["region", format!("eu-west-{i}")]] }] }),
                )
                .expect("the edit succeeds")
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let text = std::fs::read_to_string(&s.config).unwrap();
    assert!(text.starts_with("# hand-written\n[default]\nregion = us-east-1\n"), "{text}");
    for i in 0..8 {
        assert!(text.contains(&format!("[profile p{i}]\nregion = eu-west-{i}\n")), "edit {i} lost:\n{text}");
    }
}

#[test]
fn a_tilde_in_aws_config_file_is_the_home_for_writers_too() {
    let s = Sandbox::new("");
    s.set_env("AWS_CONFIG_FILE", Some("~/custom/config"));
    let r = call("config.edit", json!({ "sections": [{ "header": "profile t", "values": [["region", "eu-north-1"]] }] })).unwrap();
    let expected = s.home.join("custom").join("config");
    assert_eq!(r["path"], expected.to_string_lossy().as_ref());
    assert!(std::fs::read_to_string(&expected).unwrap().contains("[profile t]"));
    // And the reader finds the profile there.
    let listed = call("config.list_profiles", json!({})).unwrap();
    assert!(listed.as_array().unwrap().iter().any(|p| p["profile_name"] == "t"), "{listed}");
}

#[cfg(unix)]
#[test]
fn writers_through_different_links_share_the_lock_of_the_file_they_replace() {
    let s = Sandbox::new("[default]\nregion = us-east-1\n");
    let links = s.home.join("links");
    std::fs::create_dir_all(&links).unwrap();
    let (first, second) = (links.join("config-a"), links.join("config-b"));
    std::os::unix::fs::symlink(&s.config, &first).unwrap();
    std::os::unix::fs::symlink(&s.config, &second).unwrap();
    for (i, link) in [&first, &second].into_iter().enumerate() {
        s.set_env("AWS_CONFIG_FILE", Some(&link.to_string_lossy()));
        call("config.edit", json!({ "sections": [{ "header": format!("profile l{i}"), "values": [["region", "eu-west-1"]] }] })).unwrap();
    }
    let lock_files: Vec<String> = std::fs::read_dir(&links)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".lock"))
        .collect();
    assert!(lock_files.is_empty(), "no lock beside a link: {lock_files:?}");
    assert!(s.config.parent().unwrap().join(".config.lock").exists(), "the lock is beside the file that is replaced");
    assert!(std::fs::symlink_metadata(&first).unwrap().file_type().is_symlink(), "the links stay links");
    let text = std::fs::read_to_string(&s.config).unwrap();
    assert!(text.contains("[profile l0]") && text.contains("[profile l1]"), "{text}");
}
