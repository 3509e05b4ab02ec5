//! From the playground to production: the scenario's producer, consumer and topic settings
//! as `producer.properties` / `consumer.properties`, as a Spring Boot `application.yml`, and
//! as the `kafka-topics.sh` commands that create the topics. Only what the scenario sets
//! explicitly is written, plus what a client needs anyway (serializers, group id), so the
//! files say what the learner chose and leave Kafka's defaults to Kafka.

use crate::scenario::{CommitMode, Scenario};
use crate::settings::{self, Kind};

const BOOTSTRAP: &str = "localhost:9092";

/// The Kafka properties of `kind` that owner `owner` sets, in the exports' order.
fn set_props(s: &Scenario, owner: &str, kind: Kind) -> Vec<(String, String)> {
    settings::exported(kind).filter_map(|n| settings::get(s, n, owner).map(|v| (n.to_string(), v))).collect()
}

/// `producer.properties` for producer `id`.
pub fn producer_properties(s: &Scenario, id: &str) -> Option<String> {
    let p = s.producers.iter().find(|p| p.id == id)?;
    let mut out = format!("# producer {} -> topic {}\nbootstrap.servers={BOOTSTRAP}\n", p.id, p.topic);
    out.push_str("key.serializer=org.apache.kafka.common.serialization.StringSerializer\n");
    out.push_str("value.serializer=org.apache.kafka.common.serialization.StringSerializer\n");
    for (k, v) in set_props(s, id, Kind::Producer) {
        out.push_str(&format!("{k}={v}\n"));
    }
    Some(out)
}

/// `consumer.properties` for consumer `id`.
pub fn consumer_properties(s: &Scenario, id: &str) -> Option<String> {
    let c = s.consumers.iter().find(|c| c.id == id)?;
    let mut out = format!("# consumer {} <- topic {}\nbootstrap.servers={BOOTSTRAP}\ngroup.id={}\n", c.id, c.topic, c.group);
    out.push_str("key.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n");
    out.push_str("value.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n");
    for (k, v) in set_props(s, id, Kind::Consumer) {
        out.push_str(&format!("{k}={v}\n"));
    }
    Some(out)
}

/// Spring Kafka's `AckMode` for a consumer's commit strategy.
pub fn spring_ack_mode(commit: Option<CommitMode>, auto: Option<bool>) -> Option<&'static str> {
    match commit {
        Some(CommitMode::PerRecord) => Some("RECORD"),
        Some(CommitMode::AfterBatch) => Some("BATCH"),
        Some(CommitMode::OutOfOrder) => Some("MANUAL"),
        Some(CommitMode::Auto) | None => (auto == Some(false)).then_some("BATCH"),
    }
}

/// A Spring Boot `application.yml` with the first producer and consumer (the ones a
/// service would have), under `spring.kafka`.
pub fn application_yml(s: &Scenario) -> String {
    let mut out = format!("spring:\n  kafka:\n    bootstrap-servers: {BOOTSTRAP}\n");
    if let Some(p) = s.producers.first() {
        out.push_str("    producer:\n");
        out.push_str("      key-serializer: org.apache.kafka.common.serialization.StringSerializer\n");
        out.push_str("      value-serializer: org.apache.kafka.common.serialization.StringSerializer\n");
        let props = set_props(s, &p.id, Kind::Producer);
        for (k, v) in &props {
            match k.as_str() {
                "acks" => out.push_str(&format!("      acks: {}\n", yaml_scalar(v))),
                "retries" => out.push_str(&format!("      retries: {v}\n")),
                "batch.size" => out.push_str(&format!("      batch-size: {v}\n")),
                "transactional.id" => out.push_str(&format!("      transaction-id-prefix: {}\n", yaml_scalar(v))),
                _ => {}
            }
        }
        let rest: Vec<_> = props.iter().filter(|(k, _)| !["acks", "retries", "batch.size", "transactional.id"].contains(&k.as_str())).collect();
        if !rest.is_empty() {
            out.push_str("      properties:\n");
            for (k, v) in rest {
                out.push_str(&format!("        \"[{k}]\": {}\n", yaml_scalar(v)));
            }
        }
    }
    if let Some(c) = s.consumers.first() {
        out.push_str("    consumer:\n");
        out.push_str(&format!("      group-id: {}\n", yaml_scalar(&c.group)));
        out.push_str("      key-deserializer: org.apache.kafka.common.serialization.StringDeserializer\n");
        out.push_str("      value-deserializer: org.apache.kafka.common.serialization.StringDeserializer\n");
        let props = set_props(s, &c.id, Kind::Consumer);
        for (k, v) in &props {
            match k.as_str() {
                "enable.auto.commit" => out.push_str(&format!("      enable-auto-commit: {v}\n")),
                "auto.offset.reset" => out.push_str(&format!("      auto-offset-reset: {v}\n")),
                "max.poll.records" => out.push_str(&format!("      max-poll-records: {v}\n")),
                "isolation.level" => out.push_str(&format!("      isolation-level: {v}\n")),
                _ => {}
            }
        }
        let rest: Vec<_> = props
            .iter()
            .filter(|(k, _)| !["enable.auto.commit", "auto.offset.reset", "max.poll.records", "isolation.level"].contains(&k.as_str()))
            .collect();
        if !rest.is_empty() {
            out.push_str("      properties:\n");
            for (k, v) in rest {
                out.push_str(&format!("        \"[{k}]\": {}\n", yaml_scalar(v)));
            }
        }
        let auto = c.config.as_ref().and_then(|x| x.enable_auto_commit);
        if let Some(mode) = spring_ack_mode(c.commit, auto) {
            out.push_str(&format!("    listener:\n      ack-mode: {mode}\n"));
        }
    }
    out
}

fn yaml_scalar(v: &str) -> String {
    if v.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) && !["true", "false", "null", "yes", "no", "on", "off"].contains(&v) {
        v.to_string()
    } else {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// `kafka-topics.sh --create` for every topic, with the settings the scenario chose.
pub fn kafka_topics(s: &Scenario) -> String {
    let mut out = String::new();
    for t in &s.topics {
        out.push_str(&format!(
            "kafka-topics.sh --bootstrap-server {BOOTSTRAP} --create --topic {} --partitions {} --replication-factor {}",
            t.name,
            t.partitions.unwrap_or(1),
            t.replication_factor.unwrap_or(1)
        ));
        if let Some(m) = t.min_insync_replicas {
            out.push_str(&format!(" --config min.insync.replicas={m}"));
        }
        out.push('\n');
    }
    if let Some(u) = s.cluster.as_ref().and_then(|c| c.unclean_leader_election_enable) {
        for t in &s.topics {
            out.push_str(&format!(
                "kafka-configs.sh --bootstrap-server {BOOTSTRAP} --alter --entity-type topics --entity-name {} --add-config unclean.leader.election.enable={u}\n",
                t.name
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = r#"{"version":1,
      "cluster":{"unclean.leader.election.enable":false},
      "topics":[{"name":"orders","partitions":3,"replication.factor":3,"min.insync.replicas":2}],
      "producers":[{"id":"p1","topic":"orders","config":{"acks":"all","enable.idempotence":true,"linger.ms":5,"transactional.id":"orders-tx"}}],
      "consumers":[{"id":"c1","group":"billing","topic":"orders","commit":"per_record",
                    "config":{"enable.auto.commit":false,"isolation.level":"read_committed","auto.offset.reset":"earliest"}}]}"#;

    #[test]
    fn exports_what_the_scenario_sets() {
        let s = crate::parse_scenario(S).unwrap();
        let p = producer_properties(&s, "p1").unwrap();
        assert!(p.contains("acks=all\n") && p.contains("enable.idempotence=true\n") && p.contains("linger.ms=5\n"));
        assert!(p.contains("transactional.id=orders-tx\n"));
        assert!(!p.contains("retries="), "defaults are left to Kafka");
        let c = consumer_properties(&s, "c1").unwrap();
        assert!(c.contains("group.id=billing\n") && c.contains("isolation.level=read_committed\n"));
        assert!(c.contains("enable.auto.commit=false\n") && c.contains("auto.offset.reset=earliest\n"));
        let y = application_yml(&s);
        assert!(y.contains("      acks: all\n") && y.contains("transaction-id-prefix: orders-tx"));
        assert!(y.contains("\"[enable.idempotence]\": \"true\"") && y.contains("\"[linger.ms]\": 5"));
        assert!(y.contains("      enable-auto-commit: false\n") && y.contains("ack-mode: RECORD"));
        let t = kafka_topics(&s);
        assert!(t.contains("--topic orders --partitions 3 --replication-factor 3 --config min.insync.replicas=2"));
        assert!(t.contains("unclean.leader.election.enable=false"));
        assert!(producer_properties(&s, "nobody").is_none());
    }
}
