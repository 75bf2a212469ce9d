//! `TestEnv`: runs the built binary with a cleared environment, a temporary HOME, no colour,
//! a fixed clock and nothing from the developer's machine.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use super::fake_apiserver::FakeApiServer;
use super::fake_llm::FakeLlm;

/// The fixed clock every test runs at.
pub const NOW: &str = "2026-11-22T10:00:00Z";

/// The Anthropic key model tests send: never a real one, and looked for in what must not
/// show it (logs, stderr, MCP replies).
pub const TEST_API_KEY: &str = "test-key-not-real";

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEnv {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        let env = vec![
            ("HOME".to_string(), home.display().to_string()),
            ("NO_COLOR".into(), "1".into()),
            ("COLUMNS".into(), "100".into()),
            ("KCLAUDE_NOW".into(), NOW.into()),
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            // A kubeconfig that does not exist unless a test writes one.
            (
                "KUBECONFIG".into(),
                dir.path().join("kubeconfig").display().to_string(),
            ),
        ];
        Self { dir, env }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn set(&mut self, k: &str, v: impl Into<String>) -> &mut Self {
        self.env.retain(|(key, _)| key != k);
        self.env.push((k.to_string(), v.into()));
        self
    }

    pub fn unset(&mut self, k: &str) -> &mut Self {
        self.env.retain(|(key, _)| key != k);
        self
    }

    /// Points KUBECONFIG at `fake` (context `kind-fake`), for a test that set up its
    /// environment first; [`env_for`] is the usual start.
    pub fn use_cluster(&self, fake: &FakeApiServer) -> &Self {
        fake.write_kubeconfig(&self.path().join("kubeconfig"), "kind-fake");
        self
    }

    /// Sends Anthropic calls to `llm`, with [`TEST_API_KEY`].
    pub fn use_anthropic(&mut self, llm: &FakeLlm) -> &mut Self {
        self.set("ANTHROPIC_API_KEY", TEST_API_KEY);
        self.set("ANTHROPIC_BASE_URL", llm.url())
    }

    /// Runs the binary with `args` to completion (stdout, stderr and exit code in the result).
    pub fn run<I, S>(&self, args: I) -> std::process::Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd().args(args).output().expect("run kubectl-claude")
    }

    /// The binary as `kubectl-claude`.
    pub fn cmd(&self) -> Command {
        self.cmd_at(&bin())
    }

    /// The binary through a symlink named `name` (persona tests).
    pub fn persona(&self, name: &str) -> Command {
        Command::from_std(self.std_persona(name))
    }

    /// Like [`TestEnv::persona`], as a std Command (for spawning and signalling).
    pub fn std_persona(&self, name: &str) -> std::process::Command {
        let link = self.path().join("bin").join(name);
        if !link.exists() {
            std::fs::create_dir_all(link.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(bin(), &link).unwrap();
        }
        self.std_cmd_at(&link)
    }

    fn cmd_at(&self, program: &Path) -> Command {
        Command::from_std(self.std_cmd_at(program))
    }

    pub fn std_cmd_at(&self, program: &Path) -> std::process::Command {
        let mut c = std::process::Command::new(program);
        c.env_clear();
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c.current_dir(self.path());
        c
    }

    /// Writes a file under the temp dir and returns its path.
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }
}

/// A fresh TestEnv whose KUBECONFIG points at `fake` (context `kind-fake`).
pub fn env_for(fake: &FakeApiServer) -> TestEnv {
    let t = TestEnv::new();
    t.use_cluster(fake);
    t
}

/// The built binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kubectl-claude"))
}

/// stdout of a finished command as a string.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The repository root (for examples/ and fixtures).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
