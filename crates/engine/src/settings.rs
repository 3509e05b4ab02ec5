//! Settings by name: read and change one setting of a scenario the way the playground's
//! controls name it — a Kafka property (`acks`, `min.insync.replicas`, ...) or a scenario
//! field (`processing`, `commit`, `inbox`, `outbox`, `dlq`, ...) and its owner (a producer,
//! consumer or processor id, a topic name, or `cluster`). Lessons describe their solutions
//! with these names, and the browser tests drive the same names through `data-config` and
//! `data-owner`.
//!
//! Values are strings as a control holds them; an empty string removes the setting (back
//! to Kafka's default).

use crate::scenario::{Acks, CommitMode, Guarantee, IsolationLevel, OffsetReset, Processing, Scenario};
use serde::de::value::StrDeserializer;
use serde::Deserialize;
use serde_json::Value;

/// The scenario as a JSON value. Written as text and read back rather than with
/// `serde_json::to_value`, and read back from text rather than with `from_value`: the wasm
/// then holds one writer and one reader of a scenario, not one per way (same values).
fn to_json(s: &Scenario) -> Result<Value, String> {
    let text = serde_json::to_string(s).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

fn from_json(v: &Value) -> Result<Scenario, String> {
    crate::validate::from_json(&v.to_string()).map_err(|e| crate::validate::message_only(&e))
}

/// Reads a Kafka spelling (`acks`, `isolation.level`, ...) from a control's string.
fn spelled<'a, T: Deserialize<'a>>(value: &'a str) -> Result<T, String> {
    T::deserialize(StrDeserializer::<serde_json::Error>::new(value)).map_err(|e| e.to_string())
}

/// Who owns a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Cluster,
    Topic(usize),
    Producer(usize),
    Consumer(usize),
    Processor(usize),
}

/// Finds the owner named `owner` for the setting `config`.
pub fn owner_of(s: &Scenario, config: &str, owner: &str) -> Option<Owner> {
    if owner == "cluster" && CLUSTER.contains(&config) {
        return Some(Owner::Cluster);
    }
    let producer = s.producers.iter().position(|p| p.id == owner).map(Owner::Producer);
    let consumer = s.consumers.iter().position(|c| c.id == owner).map(Owner::Consumer);
    let processor = s.processors.iter().position(|p| p.id == owner).map(Owner::Processor);
    let topic = s.topics.iter().position(|t| t.name == owner).map(Owner::Topic);
    let wanted = |o: &Option<Owner>| match o {
        Some(Owner::Producer(_)) => PRODUCER_FIELDS.contains(&config) || PRODUCER_KAFKA.contains(&config),
        Some(Owner::Consumer(_)) => CONSUMER_FIELDS.contains(&config) || CONSUMER_KAFKA.contains(&config),
        Some(Owner::Processor(_)) => PROCESSOR.contains(&config),
        Some(Owner::Topic(_)) => TOPIC.contains(&config),
        _ => false,
    };
    [producer, consumer, processor, topic].into_iter().find(|o| wanted(o)).flatten()
}

pub const CLUSTER: &[&str] = &[
    "brokers",
    "unclean.leader.election.enable",
    "replica.lag.time.max.ms",
    "network_latency_ms",
    "broker.session.timeout.ms",
    "group.initial.rebalance.delay.ms",
];
pub const TOPIC: &[&str] = &["partitions", "replication.factor", "min.insync.replicas"];
/// Producer settings that are scenario fields rather than Kafka properties.
pub const PRODUCER_FIELDS: &[&str] = &["messages", "keys", "value_bytes", "interval_ms", "transaction_messages", "outbox"];
/// The producer's Kafka properties, in the order exports write them.
pub const PRODUCER_KAFKA: &[&str] = &[
    "acks",
    "enable.idempotence",
    "retries",
    "max.in.flight.requests.per.connection",
    "linger.ms",
    "batch.size",
    "request.timeout.ms",
    "delivery.timeout.ms",
    "retry.backoff.ms",
    "transactional.id",
    "transaction.timeout.ms",
];
/// Consumer settings that are scenario fields rather than Kafka properties.
pub const CONSUMER_FIELDS: &[&str] = &["processing_ms", "processing", "commit", "inbox", "dlq"];
/// The consumer's Kafka properties, in the order exports write them.
pub const CONSUMER_KAFKA: &[&str] = &[
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "isolation.level",
    "max.poll.records",
    "auto.offset.reset",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "max.poll.interval.ms",
];
pub const PROCESSOR: &[&str] = &["processing_ms", "processing.guarantee", "commit.interval.ms"];

/// The value of a setting as set in the scenario (`None` when absent: Kafka's default).
pub fn get(s: &Scenario, config: &str, owner: &str) -> Option<String> {
    let v = to_json(s).ok()?;
    let path = json_path(s, config, owner)?;
    let mut cur = &v;
    for seg in &path {
        cur = match seg {
            Seg::Key(k) => cur.get(k.as_str())?,
            Seg::Index(i) => cur.get(*i)?,
        };
    }
    match cur {
        Value::Null => None,
        Value::String(x) => Some(x.clone()),
        other => Some(other.to_string()),
    }
}

/// Sets (or with an empty value, removes) a setting. The result is checked only for its
/// type here; Kafka's rules are checked when the scenario is resolved.
pub fn set(s: &mut Scenario, config: &str, owner: &str, value: &str) -> Result<(), String> {
    let path = json_path(s, config, owner).ok_or_else(|| format!("no setting {config} for {owner}"))?;
    let mut v = to_json(s)?;
    let new = if value.is_empty() { Value::Null } else { typed(config, value)? };
    let mut cur = &mut v;
    for (k, seg) in path.iter().enumerate() {
        let last = k + 1 == path.len();
        cur = match seg {
            Seg::Key(key) => {
                let obj = match cur {
                    Value::Object(m) => m,
                    other => {
                        *other = Value::Object(Default::default());
                        other.as_object_mut().expect("object")
                    }
                };
                if last {
                    if new.is_null() {
                        obj.remove(key);
                    } else {
                        obj.insert(key.clone(), new.clone());
                    }
                    break;
                }
                obj.entry(key.clone()).or_insert(Value::Null)
            }
            Seg::Index(i) => cur.get_mut(*i).ok_or("index out of range")?,
        };
    }
    *s = from_json(&v)?;
    Ok(())
}

/// Parses a control's string into the JSON type the scenario expects.
fn typed(config: &str, value: &str) -> Result<Value, String> {
    let quoted = || Value::String(value.to_string());
    let check = |ok: bool| if ok { Ok(quoted()) } else { Err(format!("{config}: unexpected value {value:?}")) };
    match config {
        "acks" => {
            let _: Acks = spelled(value)?;
            Ok(quoted())
        }
        "processing" => {
            let _: Processing = spelled(value)?;
            Ok(quoted())
        }
        "commit" => {
            let _: CommitMode = spelled(value)?;
            Ok(quoted())
        }
        "isolation.level" => {
            let _: IsolationLevel = spelled(value)?;
            Ok(quoted())
        }
        "auto.offset.reset" => {
            let _: OffsetReset = spelled(value)?;
            Ok(quoted())
        }
        "processing.guarantee" => {
            let _: Guarantee = spelled(value)?;
            Ok(quoted())
        }
        "transactional.id" | "dlq" => check(!value.is_empty()),
        "enable.idempotence" | "unclean.leader.election.enable" | "enable.auto.commit" | "inbox" | "outbox" => {
            match value {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("{config}: expected true or false, got {value:?}")),
            }
        }
        _ => value
            .parse::<u64>()
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("{config}: expected a non-negative integer, got {value:?}")),
    }
}

enum Seg {
    Key(String),
    Index(usize),
}

fn json_path(s: &Scenario, config: &str, owner: &str) -> Option<Vec<Seg>> {
    let key = |k: &str| Seg::Key(k.to_string());
    let in_config = |list: &str, i: usize, top_level: &[&str]| {
        if top_level.contains(&config) {
            vec![key(list), Seg::Index(i), key(config)]
        } else {
            vec![key(list), Seg::Index(i), key("config"), key(config)]
        }
    };
    Some(match owner_of(s, config, owner)? {
        Owner::Cluster => vec![key("cluster"), key(config)],
        Owner::Topic(i) => vec![key("topics"), Seg::Index(i), key(config)],
        Owner::Producer(i) => in_config("producers", i, PRODUCER_FIELDS),
        Owner::Consumer(i) => in_config("consumers", i, CONSUMER_FIELDS),
        Owner::Processor(i) => vec![key("processors"), Seg::Index(i), key(config)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_scenario;

    const S: &str = r#"{"version":1,
      "topics":[{"name":"orders","partitions":3}],
      "producers":[{"id":"p1","topic":"orders","messages":10}],
      "consumers":[{"id":"c1","group":"g","topic":"orders","config":{"auto.offset.reset":"earliest"}}]}"#;

    #[test]
    fn sets_and_reads_kafka_properties_and_fields() {
        let mut s = parse_scenario(S).unwrap();
        assert_eq!(get(&s, "acks", "p1"), None);
        set(&mut s, "acks", "p1", "1").unwrap();
        assert_eq!(get(&s, "acks", "p1").as_deref(), Some("1"));
        set(&mut s, "enable.idempotence", "p1", "false").unwrap();
        assert_eq!(s.producers[0].config.as_ref().unwrap().enable_idempotence, Some(false));
        set(&mut s, "min.insync.replicas", "orders", "2").unwrap();
        assert_eq!(s.topics[0].min_insync_replicas, Some(2));
        set(&mut s, "unclean.leader.election.enable", "cluster", "true").unwrap();
        assert_eq!(s.cluster.as_ref().unwrap().unclean_leader_election_enable, Some(true));
        set(&mut s, "processing", "c1", "handoff").unwrap();
        assert_eq!(get(&s, "processing", "c1").as_deref(), Some("handoff"));
        set(&mut s, "isolation.level", "c1", "read_committed").unwrap();
        assert_eq!(get(&s, "auto.offset.reset", "c1").as_deref(), Some("earliest"));
        set(&mut s, "acks", "p1", "").unwrap();
        assert_eq!(get(&s, "acks", "p1"), None, "an empty value goes back to the default");
        assert!(set(&mut s, "acks", "p1", "2").is_err());
        assert!(set(&mut s, "acks", "nobody", "1").is_err());
        assert!(set(&mut s, "enable.idempotence", "p1", "yes").is_err());
    }
}
