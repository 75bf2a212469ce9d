//! Benchmarks for generate and the CMP: process startup (vs `kubectl version --client`),
//! end-to-end cache-hit latency, a CMP render from a committed lock, and the offline
//! generator in process. Run with `cargo bench --bench generate`; under `cargo test` it does
//! nothing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let bin = Path::new(env!("CARGO_BIN_EXE_kubectl-claude"));
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |program: &Path, args: &[&str], cwd: &Path, extra: &[(&str, &str)]| {
        let mut c = Command::new(program);
        c.args(args)
            .current_dir(cwd)
            .env_clear()
            .env("HOME", &home)
            .env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in extra {
            c.env(k, v);
        }
        let o = c.output().expect("spawn");
        assert!(
            o.status.success(),
            "{program:?} {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };

    report("startup: kubectl-claude version", 50, || {
        run(bin, &["version"], dir.path(), &[])
    });
    if Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        report("startup: kubectl version --client (baseline)", 50, || {
            run(
                Path::new("kubectl"),
                &["version", "--client"],
                dir.path(),
                &[],
            )
        });
    }

    let example = repo.join("examples/user-service");
    let ex = example.to_str().unwrap();
    run(bin, &["generate", "-q", "-f", ex], dir.path(), &[]); // fill the cache
    report("generate: cache hit, end to end", 50, || {
        run(bin, &["generate", "-q", "-f", ex], dir.path(), &[])
    });
    report("generate: offline, no cache, end to end", 50, || {
        run(
            bin,
            &["generate", "-q", "--no-cache", "-f", ex],
            dir.path(),
            &[],
        )
    });

    // A committed lock rendered by the CMP persona.
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::copy(
        example.join("claudernetes.yaml"),
        app.join("claudernetes.yaml"),
    )
    .unwrap();
    run(
        bin,
        &["generate", "-q", "--lock", "-f", app.to_str().unwrap()],
        dir.path(),
        &[],
    );
    let cmp = dir.path().join("argocd-cmp-claude");
    std::os::unix::fs::symlink(bin, &cmp).unwrap();
    let cache = dir.path().join("cmp-cache");
    let cache = cache.to_str().unwrap();
    report("cmp: generate from claudernetes.lock.yaml", 50, || {
        run(
            &cmp,
            &["generate"],
            &app,
            &[
                ("KCLAUDE_CACHE_DIR", cache),
                ("ARGOCD_APP_NAMESPACE", "shop"),
            ],
        )
    });

    // The offline generator in process, on every example.
    let mut texts = Vec::new();
    for e in std::fs::read_dir(repo.join("examples")).unwrap().flatten() {
        let f = e.path().join("claudernetes.yaml");
        if let Ok(t) = std::fs::read_to_string(&f) {
            let i = kubectl_claude::generate::Instructions::from_yaml(&t, &f).unwrap();
            texts.push(i.text);
        }
    }
    report(
        &format!(
            "offline generator: all {} examples, in process",
            texts.len()
        ),
        200,
        || {
            for t in &texts {
                let out = kubectl_claude::generate::offline::generate(
                    &kubectl_claude::generate::offline::OfflineRequest {
                        instructions: t,
                        namespace: None,
                        app_name: None,
                    },
                );
                std::hint::black_box(out);
            }
        },
    );
}

/// Runs `f` `n` times and prints min / median / p90.
fn report(name: &str, n: usize, mut f: impl FnMut()) {
    f(); // warm up
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<48} min {:>8.2} ms  median {:>8.2} ms  p90 {:>8.2} ms  (n={n})",
        ms(times[0]),
        ms(times[n / 2]),
        ms(times[n * 9 / 10])
    );
}
