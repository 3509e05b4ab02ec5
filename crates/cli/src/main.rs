//! `ackademy run FILE|- [--trace OUT.jsonl]`: run a scenario, print its report as JSON.
//! Exit 0 on success; exit 2 with one `error: <field path>: <message>` line for a bad
//! scenario or bad usage.

use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: ackademy run FILE|- [--trace OUT.jsonl]";
/// Larger inputs are refused before parsing (a scenario is a few kilobytes).
const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

fn fail(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut file = None;
    let mut trace = None;
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("run") => {}
        _ => return fail(USAGE),
    }
    while let Some(a) = it.next() {
        match a.as_str() {
            "--trace" => match it.next() {
                Some(p) => trace = Some(p.clone()),
                None => return fail(USAGE),
            },
            _ if file.is_none() => file = Some(a.clone()),
            _ => return fail(USAGE),
        }
    }
    let Some(file) = file else { return fail(USAGE) };
    let mut input = String::new();
    let read = if file == "-" {
        std::io::stdin().take(MAX_INPUT_BYTES + 1).read_to_string(&mut input)
    } else {
        match std::fs::File::open(&file) {
            Ok(f) => f.take(MAX_INPUT_BYTES + 1).read_to_string(&mut input),
            Err(e) => return fail(&format!("{file}: {e}")),
        }
    };
    if let Err(e) = read {
        return fail(&format!("{file}: {e}"));
    }
    if input.len() as u64 > MAX_INPUT_BYTES {
        return fail(&format!("{file}: larger than {MAX_INPUT_BYTES} bytes"));
    }
    let out = match ackademy_engine::run_json(&input) {
        Ok(o) => o,
        Err(e) => return fail(&e.to_string()),
    };
    if let Some(path) = trace {
        let f = match std::fs::File::create(&path) {
            Ok(f) => f,
            Err(e) => return fail(&format!("{path}: {e}")),
        };
        let mut w = std::io::BufWriter::new(f);
        for ev in &out.trace.events {
            let line = ackademy_engine::trace_json::event_json(&out.cfg, ev);
            if writeln!(w, "{line}").is_err() {
                return fail(&format!("{path}: write failed"));
            }
        }
        if w.flush().is_err() {
            return fail(&format!("{path}: write failed"));
        }
    }
    let json = serde_json::to_string_pretty(&out.report).expect("report serializes");
    println!("{json}");
    ExitCode::SUCCESS
}
