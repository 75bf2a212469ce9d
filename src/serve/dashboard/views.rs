//! The dashboard's pages, rendered on the server as plain HTML (readable without JavaScript).
//! Every text that comes from the cluster, the audit log or a request goes through [`esc`];
//! free text that may carry a credential (diffs, messages, commands, errors) also goes through
//! `crate::redact` first ([`text`]).

use std::fmt::Write as _;

use serde_json::Value;

use super::auth::User;

/// HTML-escapes `s` (text and attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Free text from the cluster or the log: credentials masked, then escaped.
pub fn text(s: &str) -> String {
    esc(&crate::redact::redact(s))
}

/// Percent-encodes a path segment or query value.
pub fn url_part(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The string at `p` in `v` ("" when absent).
pub fn s<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

pub const VIEWS: [(&str, &str); 4] = [
    ("status", "Status"),
    ("pending", "Pending"),
    ("history", "History"),
    ("workflows", "Workflows"),
];

/// A whole page: header with the four views, who is signed in, a sign-out form, `body`.
pub fn page(title: &str, current: &str, who: Option<(&User, &str)>, body: &str) -> String {
    let mut nav = String::new();
    if who.is_some() {
        nav.push_str("<nav aria-label=\"Views\"><ul>");
        for (id, label) in VIEWS {
            let cur = if id == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(nav, "<li><a href=\"/ui/{id}\"{cur}>{label}</a></li>");
        }
        nav.push_str("</ul></nav>");
    }
    let user = match who {
        Some((u, csrf)) => format!(
            "<form class=\"who\" method=\"post\" action=\"/ui/sign-out\"><span>{}</span>\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\" class=\"link\">Sign out</button></form>",
            esc(&u.name),
            esc(csrf)
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{} · kubectl-claude</title>\
         <link rel=\"stylesheet\" href=\"/ui/assets/style.css\">\
         <script src=\"/ui/assets/app.js\" defer></script></head>\
         <body><header><a class=\"brand\" href=\"/ui/status\">kubectl-claude</a>{nav}{user}</header>\
         <main id=\"main\">{body}</main></body></html>\n",
        esc(title)
    )
}

/// A notice line (`kind`: ok, error, info).
pub fn notice(kind: &str, msg: &str) -> String {
    format!(
        "<p class=\"notice {}\" role=\"status\">{}</p>",
        esc(kind),
        esc(msg)
    )
}

/// The sign-in page (cluster mode): a bearer token, posted with the anonymous session's CSRF.
pub fn sign_in(csrf: &str, error: Option<&str>) -> String {
    let err = error.map(|e| notice("error", e)).unwrap_or_default();
    page(
        "Sign in",
        "",
        None,
        &format!(
            "<h1>Sign in</h1>{err}\
             <p>Paste a Kubernetes bearer token for yourself — for example the output of \
             <code>kubectl create token NAME</code> or your OIDC login's ID token. serve checks it \
             with a TokenReview and never stores it; what you may see and approve is decided by \
             RBAC on <code>approvalrequests</code> (ClusterRole <code>kubectl-claude-approver</code>).</p>\
             <form method=\"post\" action=\"/ui/sign-in\" class=\"card\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <label for=\"token\">Bearer token</label>\
             <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required autofocus>\
             <button type=\"submit\">Sign in</button></form>",
            esc(csrf)
        ),
    )
}

/// The sign-in page in local mode: the link `kubectl claude dashboard` printed signs in once.
pub fn sign_in_local(error: Option<&str>) -> String {
    let err = error.map(|e| notice("error", e)).unwrap_or_default();
    page(
        "Sign in",
        "",
        None,
        &format!(
            "<h1>Sign in</h1>{err}<p>This dashboard runs with your kubeconfig's credentials. Open \
             the link <code>kubectl claude dashboard</code> printed (its key signs in once, within \
             10 minutes of starting), or restart it for a new link.</p>"
        ),
    )
}

/// An error page body.
pub fn problem(title: &str, msg: &str) -> String {
    format!("<h1>{}</h1>{}", esc(title), notice("error", msg))
}

/// A unified diff, each line classed (`add`, `del`, `hunk`), secrets masked, escaped.
pub fn diff(d: &str) -> String {
    if d.trim().is_empty() {
        return "<p class=\"muted\">No object diff (see the note).</p>".into();
    }
    let mut out = String::from("<pre class=\"diff\"><code>");
    for line in crate::redact::redact(d).lines() {
        let class = if line.starts_with("+++") || line.starts_with("---") {
            "file"
        } else if line.starts_with('+') {
            "add"
        } else if line.starts_with('-') {
            "del"
        } else if line.starts_with("@@") {
            "hunk"
        } else {
            "ctx"
        };
        // The newline inside the span: one line per block, and still lines without CSS.
        let _ = write!(out, "<span class=\"{class}\">{}\n</span>", esc(line));
    }
    out.push_str("</code></pre>");
    out
}

/// A table: headers, then rows of already-rendered cells.
pub fn table(caption: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return format!("<h2>{}</h2><p class=\"muted\">None.</p>", esc(caption));
    }
    let mut t = format!(
        "<h2>{}</h2><div class=\"scroll\"><table><thead><tr>",
        esc(caption)
    );
    for h in headers {
        let _ = write!(t, "<th scope=\"col\">{}</th>", esc(h));
    }
    t.push_str("</tr></thead><tbody>");
    for r in rows {
        t.push_str("<tr>");
        for c in r {
            let _ = write!(t, "<td>{c}</td>");
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table></div>");
    t
}

/// "3m" / "2h" / "5d" for a duration in seconds (negative: "in 3m").
pub fn ago(secs: i64) -> String {
    let (neg, a) = (secs < 0, secs.unsigned_abs());
    let v = match a {
        0..=59 => format!("{a}s"),
        60..=3599 => format!("{}m", a / 60),
        3600..=86399 => format!("{}h", a / 3600),
        _ => format!("{}d", a / 86400),
    };
    if neg { format!("in {v}") } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert(\"x\")</script>&'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        );
    }

    #[test]
    fn diff_lines_are_classed_escaped_and_masked() {
        let d = diff(
            "--- a\n+++ b\n-  memory: 256Mi\n+  memory: <b>512Mi</b>\n+  - --db-password=hunter2hunter2\n",
        );
        assert!(d.contains("<span class=\"del\">-  memory: 256Mi\n</span>"));
        assert!(d.contains("&lt;b&gt;512Mi&lt;/b&gt;"));
        assert!(!d.contains("hunter2hunter2"), "{d}");
    }

    #[test]
    fn url_parts_are_encoded() {
        assert_eq!(url_part("a b/c\"<"), "a%20b%2Fc%22%3C");
    }

    #[test]
    fn ages_read_short() {
        assert_eq!(ago(42), "42s");
        assert_eq!(ago(7200), "2h");
        assert_eq!(ago(-120), "in 2m");
    }
}
