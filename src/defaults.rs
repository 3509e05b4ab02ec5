//! The scenario the page opens with: small enough to read at a glance, broken enough to
//! teach something. A producer with `acks=1` writes to a leader that is cut off from the
//! cluster; the acknowledged writes it takes alone are truncated when it rejoins. Setting
//! `acks` back to Kafka's default (`all`) makes the same faults lose nothing.

use ackademy_engine::Scenario;

pub const DEFAULT_SCENARIO: &str = r#"{
  "version": 1,
  "seed": 7,
  "cluster": { "brokers": 3, "network_latency_ms": 20 },
  "topics": [
    { "name": "orders", "partitions": 3, "replication.factor": 3, "min.insync.replicas": 2 }
  ],
  "producers": [
    { "id": "p1", "topic": "orders", "messages": 200, "keys": 4, "interval_ms": 100,
      "config": { "acks": "1" } }
  ],
  "consumers": [
    { "id": "c1", "group": "g1", "topic": "orders",
      "config": { "auto.offset.reset": "earliest" } }
  ],
  "faults": [
    { "at_ms": 4000, "kind": "isolate_broker", "broker": 0 },
    { "at_ms": 16000, "kind": "heal" }
  ]
}"#;

/// The default scenario (parsed once: it is also the first preset).
pub fn scenario() -> Scenario {
    crate::presets::default_scenario().expect("the default scenario is valid")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_scenario_loses_acked_messages_and_acks_all_fixes_it() {
        let out = ackademy_engine::run(&super::scenario()).expect("runs");
        assert_eq!(out.report.verdict, "at-most-once");
        assert!(out.report.lost > 0);
        let mut fixed = super::scenario();
        fixed.producers[0].config.as_mut().expect("config").acks = None;
        let out = ackademy_engine::run(&fixed).expect("runs");
        assert_eq!(out.report.verdict, "exactly-once");
    }
}
