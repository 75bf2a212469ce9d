//! The redactor: never panics on any text, and a credential planted after a secret-looking
//! key in any of the common shapes never survives, whatever text surrounds it.
#![no_main]

use libfuzzer_sys::fuzz_target;

use kubectl_claude::redact::{redact, redact_seq};

const SHAPES: &[&str] = &[
    "password={}",
    "DB_PASS={}",
    "\"token\": \"{}\"",
    "{\"db_password\":\"{}\"}",
    "api_key = {}",
    "--db-password {}",
    "--token={}",
    "-Dspring.datasource.password={}",
    "Authorization: Bearer {}",
    "postgres://app:{}@db:5432/app",
    "https://h/cb?a=1&access_token={}",
    "client_secret: {}",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = redact(&text);
    let words: Vec<&str> = text.split(' ').collect();
    let _ = redact_seq(words.iter().copied());

    // Plant a secret: 8-16 alphanumerics from the input, prefixed so it is unlikely to occur
    // in the surrounding text by chance.
    if data.len() < 10 {
        return;
    }
    let shape = SHAPES[data[0] as usize % SHAPES.len()];
    let len = 8 + data[1] as usize % 9;
    let alphabet = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let secret: String = std::iter::once("Zq7".to_string())
        .chain(
            data.iter()
                .cycle()
                .skip(2)
                .take(len)
                .map(|b| (alphabet[*b as usize % alphabet.len()] as char).to_string()),
        )
        .collect();
    let surround = String::from_utf8_lossy(&data[2..]);
    if surround.contains(&secret) {
        return;
    }
    let planted = format!("{surround}\n{}\n", shape.replace("{}", &secret));
    let out = redact(&planted);
    assert!(!out.contains(&secret), "planted {secret} survived in {out:?}");
});
