//! Headless Chromium driven over WebDriver (Debian's `chromium` + `chromium-driver`, installed
//! by `scripts/ci-deps.sh`) through the `fantoccini` client. [`Browser::start`] starts its own
//! `chromedriver` on a free loopback port and stops it on drop. When Chromium or chromedriver
//! is missing the test fails, saying how to install them — it never passes silently.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub struct Browser {
    rt: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn works(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Browser {
    /// A fresh headless Chromium (its own profile: no cookies shared between browsers).
    pub fn start() -> Browser {
        Self::start_with(&[])
    }

    /// [`Browser::start`] with more Chromium flags (`--force-dark-mode`…).
    pub fn start_with(extra: &[&str]) -> Browser {
        assert!(
            works("chromium") && works("chromedriver"),
            "the dashboard's browser tests need Debian's chromium and chromium-driver: run \
             scripts/ci-deps.sh (it installs them with apt), then run the tests again"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn chromedriver");
        let end = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < end,
                "chromedriver did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--window-size=1280,1000",
        ]
        .iter()
        .chain(extra)
        .map(|a| a.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "args": args }),
        );
        let mut b = Browser {
            rt,
            client: None,
            driver,
            _profile: profile,
        };
        let client = b.rt.block_on(async {
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
        });
        b.client = Some(client.expect("a WebDriver session with headless Chromium"));
        b
    }

    fn c(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    pub fn goto(&self, url: &str) {
        self.rt.block_on(self.c().goto(url)).expect("navigate");
    }

    pub fn url(&self) -> String {
        self.rt
            .block_on(self.c().current_url())
            .expect("current url")
            .to_string()
    }

    pub fn source(&self) -> String {
        self.rt.block_on(self.c().source()).expect("page source")
    }

    /// The rendered text of the page (what a person reads).
    pub fn text(&self) -> String {
        // A page that is still loading (a redirect after a POST, a refresh) can replace the
        // body between finding it and reading it ("stale element"): read again.
        let mut last = None;
        for _ in 0..20 {
            match self
                .rt
                .block_on(async { self.c().find(Locator::Css("body")).await?.text().await })
            {
                Ok(t) => return t,
                Err(e) => last = Some(e),
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("page text: {last:?}")
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        self.rt
            .block_on(self.c().find_all(Locator::Css(css)))
            .map(|v| v.len())
            .unwrap_or(0)
    }

    pub fn fill(&self, css: &str, value: &str) {
        self.rt
            .block_on(async {
                self.c()
                    .find(Locator::Css(css))
                    .await?
                    .send_keys(value)
                    .await
            })
            .unwrap_or_else(|e| panic!("fill {css}: {e}"));
    }

    /// Clicks the element (see [`Browser::wait_url`] for what follows).
    pub fn click(&self, css: &str) {
        self.rt
            .block_on(async { self.c().find(Locator::Css(css)).await?.click().await })
            .unwrap_or_else(|e| panic!("click {css}: {e}\n{}", self.source()));
    }

    /// Waits (up to 20 s) until the current URL contains `part`: a click that submits a form
    /// returns before the next page has loaded.
    pub fn wait_url(&self, part: &str) {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            let u = self.url();
            if u.contains(part) {
                return;
            }
            assert!(
                Instant::now() < end,
                "the browser stayed at {u}, not at …{part}…"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (up to 20 s) until the page's text contains `part`.
    pub fn wait_text(&self, part: &str) {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.text();
            if t.contains(part) {
                return;
            }
            assert!(Instant::now() < end, "the page never said {part:?}:\n{t}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `js` in the page; its JSON result.
    pub fn eval(&self, js: &str) -> serde_json::Value {
        self.rt
            .block_on(self.c().execute(js, vec![]))
            .expect("execute script")
    }

    pub fn resize(&self, w: u32, h: u32) {
        self.rt
            .block_on(self.c().set_window_size(w, h))
            .expect("resize");
    }

    pub fn screenshot(&self, path: &str) {
        let png = self.rt.block_on(self.c().screenshot()).expect("screenshot");
        std::fs::write(path, png).expect("write screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(c) = self.client.take() {
            let _ = self.rt.block_on(c.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
