//! Entry point: pick the persona from argv[0], run, render errors, exit with the documented code.

use std::process::ExitCode;

fn main() -> ExitCode {
    // kube (ring) and reqwest must agree on one rustls provider; install it before anything
    // builds a TLS config. An Err only means one was installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let persona = kubectl_claude::persona::Persona::from_argv0(args.first().map(|a| a.as_os_str()));
    ExitCode::from(kubectl_claude::cli::main(persona, args))
}
