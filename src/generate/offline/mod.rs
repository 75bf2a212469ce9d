//! The offline provider: a deterministic, network-free generator that turns natural-language
//! Kubernetes requirements into manifests, standing in for an LLM when no API key is set.
//!
//! Pipeline: [`text`] splits the instructions into units and tokens, [`parse`] maps them to a
//! structured spec (marking every token it used), [`render`] turns the spec into objects with
//! the house [`conventions`] applied, and this module reports what was left unmapped.
//! Every value chosen without the user asking lands in [`OfflineOutput::defaults`].

mod conventions;
mod parse;
mod render;
mod schedule;
mod text;

#[cfg(test)]
mod tests;

use text::Unit;

/// Bumped whenever the same instructions may render differently (it keys caches).
pub const OFFLINE_GENERATOR_VERSION: &str = "offline-2";

pub struct OfflineRequest<'a> {
    pub instructions: &'a str,
    /// default namespace for namespaced objects when the text names none (None = leave metadata.namespace unset)
    pub namespace: Option<&'a str>,
    /// fallback application name when the text names none (e.g. the ArgoCD app or directory name)
    pub app_name: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OfflineOutput {
    /// Rendered objects in a stable order: ConfigMap, PVC, workload, Services, Ingress or
    /// HTTPRoute, ReferenceGrant, PodDisruptionBudget, HorizontalPodAutoscaler, NetworkPolicy.
    pub objects: Vec<serde_json::Value>,
    /// Every requirement sentence, bullet or phrase that could not be mapped, verbatim.
    pub not_understood: Vec<String>,
    /// One sentence per value chosen that the user did not give.
    pub defaults: Vec<String>,
}

/// Generates manifests from `req.instructions`. Never panics; same input, same output.
pub fn generate(req: &OfflineRequest) -> OfflineOutput {
    let split = text::split_units(req.instructions);
    let headers: Vec<bool> = split.iter().map(|(_, h)| *h).collect();
    let mut units: Vec<Unit> = split.iter().map(|(t, _)| Unit::new(t)).collect();
    let spec = parse::parse(&mut units, &headers);
    let mut defaults = Vec::new();
    let objects = render::render(&spec, req, &mut defaults);
    OfflineOutput {
        objects,
        not_understood: not_understood(&units),
        defaults,
    }
}

/// Words that carry no requirement on their own ("Deploy my microservice with these specs").
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "my",
    "our",
    "your",
    "its",
    "it",
    "this",
    "that",
    "these",
    "those",
    "with",
    "and",
    "or",
    "for",
    "of",
    "to",
    "on",
    "in",
    "at",
    "by",
    "from",
    "into",
    "be",
    "is",
    "are",
    "should",
    "must",
    "will",
    "can",
    "please",
    "also",
    "include",
    "includes",
    "including",
    "add",
    "create",
    "deploy",
    "deploying",
    "set",
    "setup",
    "up",
    "make",
    "use",
    "using",
    "exact",
    "specs",
    "spec",
    "following",
    "complete",
    "full",
    "need",
    "needs",
    "want",
    "i",
    "we",
    "as",
    "per",
    "each",
    "all",
    "app",
    "application",
    "microservice",
    "new",
    "simple",
    "basic",
    "some",
    "me",
    "have",
    "has",
    "get",
    "give",
    "run",
    "runs",
    "which",
    "then",
    "enable",
    "enabled",
    "configure",
    "both",
    "like",
    "kubernetes",
    "k8s",
    "manifest",
    "manifests",
    "yaml",
    "just",
    "appropriate",
    "appropriately",
    "sensible",
    "reasonable",
    "proper",
    "properly",
    "good",
    "there",
    "here",
    "so",
    "put",
    "place",
    "expose",
    "exposed",
    "exposing",
    "let",
    "lets",
    "let's",
    "we'd",
    "i'd",
    "like",
    "something",
    "thing",
    // What the app is ("a redis cache", "our worker", "the API server"): descriptions that the
    // image and name already carry.
    "cache",
    "caching",
    "database",
    "db",
    "server",
    "webserver",
    "worker",
    "backend",
    "frontend",
    "web",
    "website",
    "api",
    "store",
    "datastore",
    "instance",
    "workload",
    "container",
    // Conversation ("Hey, can you…", "We need…", "Could we get…").
    "hey",
    "hi",
    "you",
    "could",
    "would",
    "may",
    "might",
    "needed",
    "wants",
    "requesting",
    "spin",
    "stand",
    "get",
    "got",
    "thanks",
    "them",
    "they",
    "us",
    "only",
    // How it is reached or run, when the thing itself was understood ("behind a load
    // balancer", "reachable at…", "running myorg/x:1").
    "behind",
    "over",
    "through",
    "via",
    "serve",
    "serves",
    "serving",
    "reachable",
    "accessible",
    "pointing",
    "routing",
    "routed",
    "running",
    "scale",
    "scaled",
    "start",
    "spun",
    "sure",
    "ensure",
    "always",
    "broker",
    "messaging",
    // Tracker prefixes ("Feature request: …").
    "feature",
    "request",
    "todo",
];

/// Units and clauses that carry meaning no matcher used, in text order, deduplicated.
fn not_understood(units: &[Unit]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim().to_string();
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    for u in units {
        let content = |i: usize| !u.hit[i] && is_content(&u.tokens[i].low);
        let any_hit = u.hit.iter().any(|&h| h);
        let all_supported = u.clauses.iter().all(|c| !c.unsupported);
        if !any_hit && all_supported {
            if (0..u.len()).any(content) {
                push(&u.text);
            }
            continue;
        }
        for c in &u.clauses {
            let inside: Vec<usize> = (0..u.len())
                .filter(|&i| u.tokens[i].start >= c.start && u.tokens[i].end <= c.end)
                .collect();
            if c.unsupported || inside.iter().all(|&i| !u.hit[i]) {
                if c.unsupported || inside.iter().any(|&i| content(i)) {
                    push(&u.text[c.start..c.end]);
                }
                continue;
            }
            // Part of the clause was applied: report only the words that were not, so a
            // requirement that was applied is never listed as not understood.
            for run in unused_runs(&inside, &u.hit) {
                let first = run.iter().position(|&i| content(i));
                let last = run.iter().rposition(|&i| content(i));
                if let (Some(f), Some(l)) = (first, last) {
                    push(&u.text[u.tokens[run[f]].start..u.tokens[run[l]].end]);
                }
            }
        }
    }
    out
}

/// Maximal runs of consecutive unused tokens among `tokens`.
fn unused_runs(tokens: &[usize], hit: &[bool]) -> Vec<Vec<usize>> {
    let mut runs = vec![Vec::new()];
    for &i in tokens {
        if hit[i] {
            runs.push(Vec::new());
        } else if let Some(r) = runs.last_mut() {
            r.push(i);
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// A word that carries meaning on its own (not punctuation, not a [`STOPWORDS`] word).
pub(crate) fn is_content(low: &str) -> bool {
    low.chars().any(char::is_alphanumeric) && !STOPWORDS.contains(&low)
}
