//! The committed C header must be exactly what cbindgen generates from the sources, so it cannot
//! drift from the code. Run with RSSO_BLESS=1 to rewrite it after changing an export.

use std::path::PathBuf;

#[test]
fn committed_header_matches_the_sources() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings =
        cbindgen::Builder::new().with_crate(&crate_dir).with_config(config).generate().expect("cbindgen could not generate the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();
    let header_path = crate_dir.join("include/aws_tools_rustsso.h");
    if std::env::var_os("RSSO_BLESS").is_some() {
        std::fs::write(&header_path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&header_path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/aws_tools_rustsso.h is out of date; run `RSSO_BLESS=1 cargo test --test header` and commit it.\n--- generated ---\n{generated}"
    );
    for export in ["rsso_call", "rsso_cancel", "rsso_string_free", "rsso_version", "rsso_abi_version", "rsso_status_name"] {
        assert!(generated.contains(&format!("{export}(")), "{export} missing from the header");
    }
    assert!(generated.contains("RSSO_STATUS_PANIC = 4"), "status values missing from the header");
}
