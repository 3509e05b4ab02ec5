//! Engine benchmarks (`cargo bench -p ackademy-engine`): how long a run takes natively,
//! and how many trace events per second the engine produces. Results go to BENCHMARKS.md.
//!
//! A plain harness (no external crate): each scenario runs a few times to warm up, then
//! `ROUNDS` times; the median and the best time are printed.

use std::time::Instant;

/// The lesson-sized scenario: 3 brokers, 3 partitions, 1,000 messages, faults.
const LESSON: &str = r#"{"version":1,"seed":7,
  "topics":[{"name":"orders","partitions":3,"replication.factor":3,"min.insync.replicas":2}],
  "producers":[{"id":"p1","topic":"orders","messages":1000,"keys":8,"interval_ms":5}],
  "consumers":[{"id":"c1","group":"g1","topic":"orders","config":{"auto.offset.reset":"earliest"}}],
  "faults":[{"at_ms":1500,"kind":"crash_broker","broker":0},
            {"at_ms":2000,"kind":"drop_produce_responses","producer":"p1","count":2},
            {"at_ms":4000,"kind":"restart_broker","broker":0}]}"#;

/// The same with transactions and an exactly-once processor.
const LESSON_TXN: &str = r#"{"version":1,"seed":7,
  "topics":[{"name":"orders","partitions":3,"replication.factor":3,"min.insync.replicas":2},
            {"name":"shipments","partitions":3,"replication.factor":3,"min.insync.replicas":2}],
  "producers":[{"id":"p1","topic":"orders","messages":1000,"keys":8,"interval_ms":5,
                "transaction_messages":10,"config":{"transactional.id":"tx"}}],
  "processors":[{"id":"etl","group":"etl","from":"orders","to":"shipments","processing.guarantee":"exactly_once_v2"}],
  "consumers":[{"id":"c1","group":"g1","topic":"shipments","config":{"auto.offset.reset":"earliest","isolation.level":"read_committed"}}],
  "faults":[{"at_ms":1500,"kind":"crash_broker","broker":0},{"at_ms":4000,"kind":"restart_broker","broker":0}]}"#;

/// The stress scenario: one million messages.
const STRESS: &str = r#"{"version":1,"seed":1,
  "topics":[{"name":"orders","partitions":3,"replication.factor":3,"min.insync.replicas":2}],
  "producers":[{"id":"p1","topic":"orders","messages":1000000,"keys":16,"interval_ms":0}],
  "consumers":[{"id":"c1","group":"g1","topic":"orders","processing_ms":0,"config":{"auto.offset.reset":"earliest"}}]}"#;

fn bench(name: &str, json: &str, rounds: usize) {
    let cfg = ackademy_engine::validate::load(json).expect("valid scenario");
    for _ in 0..2.min(rounds) {
        std::hint::black_box(ackademy_engine::simulate(cfg.clone()));
    }
    let mut times = Vec::with_capacity(rounds);
    let mut events = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        let out = ackademy_engine::simulate(cfg.clone());
        times.push(start.elapsed().as_secs_f64());
        events = out.trace.events.len();
        std::hint::black_box(out);
    }
    times.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    let median = times[times.len() / 2];
    println!(
        "{name:<12} {events:>9} events  median {:>9.3} ms  best {:>9.3} ms  {:>6.2} M events/s",
        median * 1e3,
        times[0] * 1e3,
        events as f64 / median / 1e6
    );
}

/// The audit alone, over the lesson scenario's recorded history.
fn bench_audit(rounds: usize) {
    let cfg = ackademy_engine::validate::load(LESSON).expect("valid scenario");
    let out = ackademy_engine::simulate(cfg);
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        let r = ackademy_engine::audit::audit(&out.cfg, &out.trace.events, String::new(), out.report.end_ms);
        times.push(start.elapsed().as_secs_f64());
        std::hint::black_box(r);
    }
    times.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    println!("{:<12} {:>9} events  median {:>9.3} ms  best {:>9.3} ms", "lesson-audit", out.trace.events.len(), times[rounds / 2] * 1e3, times[0] * 1e3);
}

fn main() {
    // `cargo bench -p ackademy-engine -- NAME` runs only the benchmark NAME (or, when no
    // name matches exactly, those whose name contains it).
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let names = ["lesson", "lesson-audit", "lesson-txn", "stress-1M"];
    let exact = filter.iter().any(|f| names.contains(&f.as_str()));
    let wanted = |n: &str| {
        filter.is_empty() || filter.iter().any(|f| if exact { n == f } else { n.contains(f.as_str()) })
    };
    for (name, json, rounds) in [("lesson", LESSON, 50), ("lesson-txn", LESSON_TXN, 50), ("stress-1M", STRESS, 5)] {
        if wanted(name) {
            let rounds = if filter.is_empty() { rounds } else { rounds * 10 };
            bench(name, json, rounds);
        }
        if name == "lesson" && wanted("lesson-audit") {
            bench_audit(if filter.is_empty() { 200 } else { 2000 });
        }
    }
}
