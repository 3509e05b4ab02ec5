//! Settings by name: read and change one setting of a scenario the way the playground's
//! controls name it — a Kafka property (`acks`, `min.insync.replicas`, ...) or a scenario
//! field (`processing`, `commit`, `inbox`, `outbox`, `dlq`, ...) and its owner (a producer,
//! consumer or processor id, a topic name, or `cluster`). Lessons describe their solutions
//! with these names, and the browser tests drive the same names through `data-config` and
//! `data-owner`.
//!
//! [`SETTINGS`] is the one table of them: each setting's name, the kind of owner it
//! belongs to, where its owner's JSON keeps it, the values it takes and Kafka's default.
//! The playground's settings panel draws its controls from it, in its order.
//!
//! Values are strings as a control holds them; an empty string removes the setting (back
//! to Kafka's default).

use crate::scenario::{Acks, CommitMode, Guarantee, IsolationLevel, OffsetReset, Processing, Scenario};
use crate::Resolved;
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

/// The kinds of owner a setting can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Cluster,
    Topic,
    Producer,
    Consumer,
    Processor,
}

/// Who owns a setting; the index is into the scenario's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Cluster,
    Topic(usize),
    Producer(usize),
    Consumer(usize),
    Processor(usize),
}

impl Owner {
    pub fn kind(self) -> Kind {
        match self {
            Owner::Cluster => Kind::Cluster,
            Owner::Topic(_) => Kind::Topic,
            Owner::Producer(_) => Kind::Producer,
            Owner::Consumer(_) => Kind::Consumer,
            Owner::Processor(_) => Kind::Processor,
        }
    }

    /// Its name as the scenario gives it (an id, a topic's name), or `cluster`: the
    /// `data-owner` value.
    pub fn id(self, s: &Scenario) -> String {
        match self {
            Owner::Cluster => "cluster".into(),
            Owner::Topic(i) => s.topics.get(i).map(|t| t.name.clone()).unwrap_or_default(),
            Owner::Producer(i) => s.producers.get(i).map(|p| p.id.clone()).unwrap_or_default(),
            Owner::Consumer(i) => s.consumers.get(i).map(|c| c.id.clone()).unwrap_or_default(),
            Owner::Processor(i) => s.processors.get(i).map(|p| p.id.clone()).unwrap_or_default(),
        }
    }

    /// Every owner of the scenario: the cluster, then its topics, producers, consumers and
    /// processors, each in the scenario's order.
    pub fn all(s: &Scenario) -> impl Iterator<Item = Owner> {
        std::iter::once(Owner::Cluster)
            .chain((0..s.topics.len()).map(Owner::Topic))
            .chain((0..s.producers.len()).map(Owner::Producer))
            .chain((0..s.consumers.len()).map(Owner::Consumer))
            .chain((0..s.processors.len()).map(Owner::Processor))
    }
}

/// Where a setting is kept in its owner's JSON object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the object itself: a scenario field, or a property of the cluster, a topic or a
    /// processor.
    Own,
    /// In its `config` object: a producer's or consumer's Kafka property. The number is its
    /// place in the exported properties files (see `export`).
    Config(u8),
}

/// The values a setting takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Values {
    /// One of these, as the scenario writes them (the scenario's reader checks a value).
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Bool,
    /// A non-negative integer.
    Number,
    /// Any non-empty text (a transactional id, a topic name).
    Text,
}

/// One setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// Its name as Kafka (or the scenario) spells it: the `data-config` value.
    pub name: &'static str,
    pub owner: Kind,
    pub place: Place,
    pub values: Values,
    /// Its default as Kafka documents it (or the scenario's, for a scenario field).
    pub default: &'static str,
}

impl Setting {
    /// Kafka's default for this owner in this scenario: the row's, except where Kafka's
    /// default follows another setting (Kafka Streams' `commit.interval.ms` follows
    /// `processing.guarantee`, as the engine resolves it).
    pub fn default_in(&self, s: &Scenario, owner: Owner) -> String {
        match (self.name, owner) {
            ("commit.interval.ms", Owner::Processor(i)) => {
                let guarantee = s.processors.get(i).and_then(|p| p.processing_guarantee).unwrap_or(Guarantee::AtLeastOnce);
                guarantee.default_commit_interval_ms().to_string()
            }
            _ => self.default.to_string(),
        }
    }
}

const fn row(owner: Kind, name: &'static str, place: Place, values: Values, default: &'static str) -> Setting {
    Setting { name, owner, place, values, default }
}

/// Every setting, by kind of owner, in the order the settings panel shows them.
pub const SETTINGS: &[Setting] = {
    use Kind::*;
    use Place::*;
    use Values::*;
    &[
        row(Cluster, "brokers", Own, Number, "3"),
        row(Cluster, "unclean.leader.election.enable", Own, Bool, "false"),
        row(Cluster, "replica.lag.time.max.ms", Own, Number, "30000"),
        row(Cluster, "broker.session.timeout.ms", Own, Number, "9000"),
        row(Cluster, "network_latency_ms", Own, Number, "2"),
        row(Cluster, "group.initial.rebalance.delay.ms", Own, Number, "3000"),
        row(Topic, "partitions", Own, Number, "1"),
        row(Topic, "replication.factor", Own, Number, "1"),
        row(Topic, "min.insync.replicas", Own, Number, "1"),
        row(Producer, "acks", Config(0), Choice(Acks::NAMES), "all"),
        row(Producer, "enable.idempotence", Config(1), Bool, "true"),
        row(Producer, "max.in.flight.requests.per.connection", Config(3), Number, "5"),
        row(Producer, "retries", Config(2), Number, "2147483647"),
        row(Producer, "linger.ms", Config(4), Number, "0"),
        row(Producer, "batch.size", Config(5), Number, "16384"),
        row(Producer, "request.timeout.ms", Config(6), Number, "30000"),
        row(Producer, "delivery.timeout.ms", Config(7), Number, "120000"),
        row(Producer, "retry.backoff.ms", Config(8), Number, "100"),
        row(Producer, "transactional.id", Config(9), Text, "null"),
        row(Producer, "transaction.timeout.ms", Config(10), Number, "60000"),
        row(Producer, "messages", Own, Number, "0"),
        row(Producer, "keys", Own, Number, "0"),
        row(Producer, "interval_ms", Own, Number, "10"),
        row(Producer, "value_bytes", Own, Number, "100"),
        row(Producer, "transaction_messages", Own, Number, "0"),
        row(Producer, "outbox", Own, Bool, "false"),
        row(Consumer, "enable.auto.commit", Config(0), Bool, "true"),
        row(Consumer, "auto.commit.interval.ms", Config(1), Number, "5000"),
        row(Consumer, "isolation.level", Config(2), Choice(IsolationLevel::NAMES), "read_uncommitted"),
        row(Consumer, "auto.offset.reset", Config(4), Choice(OffsetReset::NAMES), "latest"),
        row(Consumer, "max.poll.records", Config(3), Number, "500"),
        row(Consumer, "session.timeout.ms", Config(5), Number, "45000"),
        row(Consumer, "heartbeat.interval.ms", Config(6), Number, "3000"),
        row(Consumer, "max.poll.interval.ms", Config(7), Number, "300000"),
        row(Consumer, "commit", Own, Choice(CommitMode::NAMES), "auto"),
        row(Consumer, "processing", Own, Choice(Processing::NAMES), "in_poll_loop"),
        row(Consumer, "processing_ms", Own, Number, "5"),
        row(Consumer, "inbox", Own, Bool, "false"),
        row(Consumer, "dlq", Own, Text, "null"),
        row(Processor, "processing.guarantee", Own, Choice(Guarantee::NAMES), "at_least_once"),
        row(Processor, "commit.interval.ms", Own, Number, "30000"),
        row(Processor, "processing_ms", Own, Number, "5"),
    ]
};

/// The settings of one kind of owner, in the panel's order.
pub fn of(kind: Kind) -> impl Iterator<Item = &'static Setting> {
    SETTINGS.iter().filter(move |st| st.owner == kind)
}

/// The setting `name` of that kind of owner.
pub fn find(kind: Kind, name: &str) -> Option<&'static Setting> {
    of(kind).find(|st| st.name == name)
}

/// The Kafka properties of a producer or consumer, in the order exports write them.
pub fn exported(kind: Kind) -> impl Iterator<Item = &'static str> {
    (0..).map_while(move |n| of(kind).find(|st| st.place == Place::Config(n))).map(|st| st.name)
}

/// Finds the owner named `owner` for the setting `config`.
pub fn owner_of(s: &Scenario, config: &str, owner: &str) -> Option<Owner> {
    if owner == "cluster" && find(Kind::Cluster, config).is_some() {
        return Some(Owner::Cluster);
    }
    let producer = s.producers.iter().position(|p| p.id == owner).map(Owner::Producer);
    let consumer = s.consumers.iter().position(|c| c.id == owner).map(Owner::Consumer);
    let processor = s.processors.iter().position(|p| p.id == owner).map(Owner::Processor);
    let topic = s.topics.iter().position(|t| t.name == owner).map(Owner::Topic);
    [producer, consumer, processor, topic].into_iter().flatten().find(|o| find(o.kind(), config).is_some())
}

/// The value of a setting as set in the scenario (`None` when absent: Kafka's default).
pub fn get(s: &Scenario, config: &str, owner: &str) -> Option<String> {
    let v = to_json(s).ok()?;
    let (path, _) = locate(s, config, owner)?;
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
    let (path, setting) = locate(s, config, owner).ok_or_else(|| format!("no setting {config} for {owner}"))?;
    let mut v = to_json(s)?;
    let new = if value.is_empty() { Value::Null } else { typed(setting, value)? };
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

/// Parses a control's (non-empty) string into the JSON type the scenario expects. A choice
/// is written as the string: the scenario's reader refuses a spelling it does not know, in
/// its own words (`expected one of "0", "1", "all", "-1", got "2"`).
fn typed(setting: &Setting, value: &str) -> Result<Value, String> {
    let config = setting.name;
    match setting.values {
        Values::Choice(_) | Values::Text => Ok(Value::String(value.to_string())),
        Values::Bool => match value {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{config}: expected true or false, got {value:?}")),
        },
        Values::Number => value
            .parse::<u64>()
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("{config}: expected a non-negative integer, got {value:?}")),
    }
}

enum Seg {
    Key(String),
    Index(usize),
}

/// The setting `config` of the owner named `owner`, and where the scenario's JSON keeps it.
fn locate(s: &Scenario, config: &str, owner: &str) -> Option<(Vec<Seg>, &'static Setting)> {
    let o = owner_of(s, config, owner)?;
    let setting = find(o.kind(), config)?;
    let key = |k: &str| Seg::Key(k.to_string());
    let mut path = match o {
        Owner::Cluster => vec![key("cluster")],
        Owner::Topic(i) => vec![key("topics"), Seg::Index(i)],
        Owner::Producer(i) => vec![key("producers"), Seg::Index(i)],
        Owner::Consumer(i) => vec![key("consumers"), Seg::Index(i)],
        Owner::Processor(i) => vec![key("processors"), Seg::Index(i)],
    };
    if let Place::Config(_) = setting.place {
        path.push(key("config"));
    }
    path.push(key(config));
    Some((path, setting))
}

/// The value written in the scenario, if the setting is set there (`None`: Kafka's default):
/// what [`get`] gives, read directly from the fields (the playground's every control reads
/// it on every change, so this stays cheap; a test checks they agree on every setting).
pub fn explicit(s: &Scenario, owner: Owner, prop: &str) -> Option<String> {
    fn o<T: ToString>(v: &Option<T>) -> Option<String> {
        v.as_ref().map(|x| x.to_string())
    }
    match owner {
        Owner::Cluster => {
            let c = s.cluster.as_ref()?;
            match prop {
                "brokers" => o(&c.brokers),
                "unclean.leader.election.enable" => o(&c.unclean_leader_election_enable),
                "replica.lag.time.max.ms" => o(&c.replica_lag_time_max_ms),
                "broker.session.timeout.ms" => o(&c.broker_session_timeout_ms),
                "network_latency_ms" => o(&c.network_latency_ms),
                "group.initial.rebalance.delay.ms" => o(&c.group_initial_rebalance_delay_ms),
                _ => None,
            }
        }
        Owner::Topic(i) => {
            let t = s.topics.get(i)?;
            match prop {
                "partitions" => o(&t.partitions),
                "replication.factor" => o(&t.replication_factor),
                "min.insync.replicas" => o(&t.min_insync_replicas),
                _ => None,
            }
        }
        Owner::Producer(i) => {
            let p = s.producers.get(i)?;
            match prop {
                "messages" => return o(&p.messages),
                "keys" => return o(&p.keys),
                "interval_ms" => return o(&p.interval_ms),
                "value_bytes" => return o(&p.value_bytes),
                "transaction_messages" => return o(&p.transaction_messages),
                "outbox" => return o(&p.outbox),
                _ => {}
            }
            let c = p.config.as_ref()?;
            match prop {
                "acks" => c.acks.map(|a| a.as_str().to_string()),
                "enable.idempotence" => o(&c.enable_idempotence),
                "max.in.flight.requests.per.connection" => o(&c.max_in_flight),
                "retries" => o(&c.retries),
                "linger.ms" => o(&c.linger_ms),
                "batch.size" => o(&c.batch_size),
                "request.timeout.ms" => o(&c.request_timeout_ms),
                "delivery.timeout.ms" => o(&c.delivery_timeout_ms),
                "retry.backoff.ms" => o(&c.retry_backoff_ms),
                "transactional.id" => c.transactional_id.clone(),
                "transaction.timeout.ms" => o(&c.transaction_timeout_ms),
                _ => None,
            }
        }
        Owner::Consumer(i) => {
            let c = s.consumers.get(i)?;
            match prop {
                "commit" => return c.commit.map(|m| m.as_str().to_string()),
                "processing" => return c.processing.map(|m| m.as_str().to_string()),
                "processing_ms" => return o(&c.processing_ms),
                "inbox" => return o(&c.inbox),
                "dlq" => return c.dlq.clone(),
                _ => {}
            }
            let k = c.config.as_ref()?;
            match prop {
                "enable.auto.commit" => o(&k.enable_auto_commit),
                "auto.commit.interval.ms" => o(&k.auto_commit_interval_ms),
                "isolation.level" => k.isolation_level.map(|m| m.as_str().to_string()),
                "auto.offset.reset" => k.auto_offset_reset.map(|m| m.as_str().to_string()),
                "max.poll.records" => o(&k.max_poll_records),
                "session.timeout.ms" => o(&k.session_timeout_ms),
                "heartbeat.interval.ms" => o(&k.heartbeat_interval_ms),
                "max.poll.interval.ms" => o(&k.max_poll_interval_ms),
                _ => None,
            }
        }
        Owner::Processor(i) => {
            let p = s.processors.get(i)?;
            match prop {
                "processing.guarantee" => p.processing_guarantee.map(|m| m.as_str().to_string()),
                "commit.interval.ms" => o(&p.commit_interval_ms),
                "processing_ms" => o(&p.processing_ms),
                _ => None,
            }
        }
    }
}

/// The value in force for a run that resolved to `cfg`.
pub fn effective(cfg: &Resolved, owner: Owner, prop: &str) -> Option<String> {
    let st = |v: &dyn ToString| Some(v.to_string());
    match owner {
        Owner::Cluster => {
            let c = &cfg.cluster;
            match prop {
                "brokers" => st(&c.brokers),
                "unclean.leader.election.enable" => st(&c.unclean_leader_election),
                "replica.lag.time.max.ms" => st(&c.replica_lag_time_max_ms),
                "broker.session.timeout.ms" => st(&c.broker_session_timeout_ms),
                "network_latency_ms" => st(&c.network_latency_ms),
                "group.initial.rebalance.delay.ms" => st(&c.group_initial_rebalance_delay_ms),
                _ => None,
            }
        }
        Owner::Topic(i) => {
            let t = cfg.topics.get(i)?;
            match prop {
                "partitions" => st(&t.partitions),
                "replication.factor" => st(&t.replication_factor),
                "min.insync.replicas" => st(&t.min_insync_replicas),
                _ => None,
            }
        }
        Owner::Producer(i) => {
            let p = cfg.producers.get(i)?;
            match prop {
                "messages" => st(&p.messages),
                "keys" => st(&p.keys),
                "interval_ms" => st(&p.interval_ms),
                "value_bytes" => st(&p.value_bytes),
                "transaction_messages" => st(&p.transaction_messages),
                "outbox" => st(&p.outbox),
                "acks" => Some(p.acks.as_str().to_string()),
                "enable.idempotence" => st(&p.idempotence),
                "max.in.flight.requests.per.connection" => st(&p.max_in_flight),
                "retries" => st(&p.retries),
                "linger.ms" => st(&p.linger_ms),
                "batch.size" => st(&p.batch_size),
                "request.timeout.ms" => st(&p.request_timeout_ms),
                "delivery.timeout.ms" => st(&p.delivery_timeout_ms),
                "retry.backoff.ms" => st(&p.retry_backoff_ms),
                "transactional.id" => p.transactional_id.clone(),
                "transaction.timeout.ms" => st(&p.transaction_timeout_ms),
                _ => None,
            }
        }
        Owner::Consumer(i) => {
            let c = cfg.consumers.get(i)?;
            match prop {
                "commit" => Some(c.commit.as_str().into()),
                "processing" => Some(c.processing.as_str().into()),
                "processing_ms" => st(&c.processing_ms),
                "inbox" => st(&c.inbox),
                "enable.auto.commit" => st(&c.enable_auto_commit),
                "auto.commit.interval.ms" => st(&c.auto_commit_interval_ms),
                "isolation.level" => Some(c.isolation_level.as_str().into()),
                "auto.offset.reset" => Some(c.auto_offset_reset.as_str().into()),
                "max.poll.records" => st(&c.max_poll_records),
                "session.timeout.ms" => st(&c.session_timeout_ms),
                "heartbeat.interval.ms" => st(&c.heartbeat_interval_ms),
                "max.poll.interval.ms" => st(&c.max_poll_interval_ms),
                "dlq" => c.dlq.and_then(|t| cfg.topics.get(t)).map(|t| t.name.clone()),
                _ => None,
            }
        }
        Owner::Processor(i) => {
            let p = cfg.processors.get(i)?;
            match prop {
                "processing.guarantee" => Some(p.guarantee.as_str().into()),
                "commit.interval.ms" => st(&p.commit_interval_ms),
                "processing_ms" => st(&p.processing_ms),
                _ => None,
            }
        }
    }
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
    fn commit_interval_default_follows_the_processing_guarantee() {
        let mut s = parse_scenario(
            r#"{"version":1,"topics":[{"name":"a"},{"name":"b"}],
              "processors":[{"id":"etl","group":"etl","from":"a","to":"b"}]}"#,
        )
        .unwrap();
        let row = find(Kind::Processor, "commit.interval.ms").unwrap();
        assert_eq!(row.default_in(&s, Owner::Processor(0)), "30000");
        assert_eq!(row.default, row.default_in(&s, Owner::Processor(0)), "the table's default is at_least_once's");
        set(&mut s, "processing.guarantee", "etl", "exactly_once_v2").unwrap();
        assert_eq!(row.default_in(&s, Owner::Processor(0)), "100");
        // The engine resolves the same value.
        let cfg = crate::resolve(&s).unwrap();
        assert_eq!(effective(&cfg, Owner::Processor(0), "commit.interval.ms").as_deref(), Some("100"));
        let acks = find(Kind::Producer, "acks").unwrap();
        assert_eq!(acks.default_in(&s, Owner::Producer(0)), acks.default);
    }

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

    const WITH_PROCESSOR: &str = r#"{"version":1,
      "topics":[{"name":"orders","partitions":3},{"name":"out"}],
      "producers":[{"id":"p1","topic":"orders","messages":10,"config":{"acks":"1"}}],
      "consumers":[{"id":"c1","group":"g","topic":"orders"}],
      "processors":[{"id":"etl","group":"etl","from":"orders","to":"out"}]}"#;

    #[test]
    fn every_setting_round_trips_and_explicit_agrees_with_get() {
        let mut s = parse_scenario(WITH_PROCESSOR).unwrap();
        for owner in [Owner::Cluster, Owner::Topic(0), Owner::Producer(0), Owner::Consumer(0), Owner::Processor(0)] {
            let id = owner.id(&s);
            for st in of(owner.kind()) {
                let value = match st.values {
                    Values::Choice(options) => options[options.len() - 1].to_string(),
                    Values::Bool => "true".into(),
                    Values::Number => "7".into(),
                    Values::Text => "tx".into(),
                };
                set(&mut s, st.name, &id, &value).unwrap_or_else(|e| panic!("{}: {e}", st.name));
                assert_eq!(explicit(&s, owner, st.name).as_deref(), Some(value.as_str()), "{}", st.name);
                assert_eq!(explicit(&s, owner, st.name), get(&s, st.name, &id), "{} agrees with get", st.name);
                set(&mut s, st.name, &id, "").expect("unset");
                assert_eq!(explicit(&s, owner, st.name), None, "{}", st.name);
            }
        }
    }

    #[test]
    fn effective_values_cover_the_table() {
        let out = crate::run(&parse_scenario(WITH_PROCESSOR).unwrap()).expect("runs");
        for owner in [Owner::Cluster, Owner::Topic(0), Owner::Producer(0), Owner::Consumer(0), Owner::Processor(0)] {
            for st in of(owner.kind()) {
                if !matches!(st.name, "transactional.id" | "dlq") {
                    assert!(effective(&out.cfg, owner, st.name).is_some(), "{}", st.name);
                }
            }
        }
        assert_eq!(effective(&out.cfg, Owner::Producer(0), "acks").as_deref(), Some("1"));
        assert_eq!(effective(&out.cfg, Owner::Producer(0), "enable.idempotence").as_deref(), Some("false"));
    }

    #[test]
    fn the_table_names_each_setting_once_per_owner_and_orders_the_exports() {
        for (i, st) in SETTINGS.iter().enumerate() {
            assert!(!SETTINGS[..i].iter().any(|o| o.owner == st.owner && o.name == st.name), "{} twice", st.name);
            if let Values::Choice(options) = st.values {
                assert!(options.contains(&st.default), "{}: the default is an option", st.name);
            }
            if st.place != Place::Own {
                assert!(matches!(st.owner, Kind::Producer | Kind::Consumer), "{}: only clients have a config object", st.name);
            }
        }
        for kind in [Kind::Producer, Kind::Consumer] {
            let in_config = of(kind).filter(|st| st.place != Place::Own).count();
            assert_eq!(exported(kind).count(), in_config, "{kind:?}: export places run 0, 1, 2, ...");
        }
        let producer: Vec<_> = exported(Kind::Producer).collect();
        assert_eq!(producer[..4], ["acks", "enable.idempotence", "retries", "max.in.flight.requests.per.connection"]);
    }

    #[test]
    fn every_choice_is_settable_and_a_wrong_one_is_refused_in_the_readers_words() {
        let mut s = parse_scenario(S).unwrap();
        s.processors.push(Default::default());
        s.processors[0].id = "x1".into();
        for st in SETTINGS {
            let Values::Choice(options) = st.values else { continue };
            let owner = match st.owner {
                Kind::Producer => "p1",
                Kind::Consumer => "c1",
                Kind::Processor => "x1",
                _ => unreachable!("{}", st.name),
            };
            for o in options {
                set(&mut s, st.name, owner, o).unwrap_or_else(|e| panic!("{}={o}: {e}", st.name));
                assert_eq!(get(&s, st.name, owner).as_deref(), Some(*o));
            }
            let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
            let err = set(&mut s, st.name, owner, "2").expect_err("not an option");
            assert!(err.starts_with(&format!("expected one of {}", quoted.join(", "))) && err.ends_with(", got \"2\""), "{err}");
        }
        set(&mut s, "acks", "p1", "-1").unwrap();
        assert_eq!(get(&s, "acks", "p1").as_deref(), Some("all"));
        assert_eq!(set(&mut s, "acks", "p1", "2"), Err(r#"expected one of "0", "1", "all", "-1", got "2""#.into()));
    }
}
