//! The YAML/JSON stream parser and the snapshot loader: any bytes in a snapshot file load
//! or are reported unreadable, never a panic; whatever loads can be written back (redacted)
//! and loaded again.
#![no_main]

use libfuzzer_sys::fuzz_target;

use kubectl_claude::cluster::snapshot::{self, SnapshotCluster};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = kubectl_claude::manifest::parse_stream(&text);

    let dir = tempfile::tempdir().unwrap();
    let name = match data.first().map(|b| b % 3) {
        Some(0) => "objects.json",
        Some(1) => "logs.txt",
        _ => "objects.yaml",
    };
    std::fs::write(dir.path().join(name), data).unwrap();
    // A directory with nothing readable is an error by design (never "healthy"); what
    // matters is that no input panics.
    let Ok(loaded) = SnapshotCluster::load(dir.path()) else {
        return;
    };
    let out = dir.path().join("out");
    snapshot::write(&out, loaded.inventory()).expect("a loaded inventory writes");
    let back = SnapshotCluster::load(&out).expect("a written snapshot loads");
    assert_eq!(back.inventory().len(), loaded.inventory().len());
});
