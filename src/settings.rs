//! The settings the panel shows: Kafka property names, who owns them, their Kafka
//! defaults, and reading and writing them in a [`Scenario`]. Nothing here decides what a
//! value means: the engine's `resolve` does, and its error is what the panel shows.

use ackademy_engine::{Resolved, Scenario};

/// Whose setting it is; the index is into the scenario's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Cluster,
    Topic(usize),
    Producer(usize),
    Consumer(usize),
    Processor(usize),
}

impl Owner {
    /// The `data-owner` value: the id or name as the scenario gives it, or `cluster`.
    pub fn id(self, s: &Scenario) -> String {
        match self {
            Owner::Cluster => "cluster".into(),
            Owner::Topic(i) => s.topics.get(i).map(|t| t.name.clone()).unwrap_or_default(),
            Owner::Producer(i) => s.producers.get(i).map(|p| p.id.clone()).unwrap_or_default(),
            Owner::Consumer(i) => s.consumers.get(i).map(|c| c.id.clone()).unwrap_or_default(),
            Owner::Processor(i) => s.processors.get(i).map(|p| p.id.clone()).unwrap_or_default(),
        }
    }
}

/// How a setting is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Select(&'static [&'static str]),
    Bool,
    Number,
    Text,
}

/// One setting: its name as Kafka (or the scenario) spells it, how to edit it, and its
/// default as Kafka documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    pub prop: &'static str,
    pub control: Control,
    pub default: &'static str,
}

const fn s(prop: &'static str, control: Control, default: &'static str) -> Setting {
    Setting { prop, control, default }
}

use Control::*;

pub const CLUSTER: &[Setting] = &[
    s("brokers", Number, "3"),
    s("unclean.leader.election.enable", Bool, "false"),
    s("replica.lag.time.max.ms", Number, "30000"),
    s("broker.session.timeout.ms", Number, "9000"),
    s("network_latency_ms", Number, "2"),
    s("group.initial.rebalance.delay.ms", Number, "3000"),
];

pub const TOPIC: &[Setting] = &[
    s("partitions", Number, "1"),
    s("replication.factor", Number, "1"),
    s("min.insync.replicas", Number, "1"),
];

pub const PRODUCER: &[Setting] = &[
    s("acks", Select(&["0", "1", "all"]), "all"),
    s("enable.idempotence", Bool, "true"),
    s("max.in.flight.requests.per.connection", Number, "5"),
    s("retries", Number, "2147483647"),
    s("linger.ms", Number, "0"),
    s("batch.size", Number, "16384"),
    s("request.timeout.ms", Number, "30000"),
    s("delivery.timeout.ms", Number, "120000"),
    s("retry.backoff.ms", Number, "100"),
    s("transactional.id", Text, "null"),
    s("transaction.timeout.ms", Number, "60000"),
    s("messages", Number, "0"),
    s("keys", Number, "0"),
    s("interval_ms", Number, "10"),
    s("value_bytes", Number, "100"),
    s("transaction_messages", Number, "0"),
    s("outbox", Bool, "false"),
];

pub const CONSUMER: &[Setting] = &[
    s("enable.auto.commit", Bool, "true"),
    s("auto.commit.interval.ms", Number, "5000"),
    s("isolation.level", Select(&["read_uncommitted", "read_committed"]), "read_uncommitted"),
    s("auto.offset.reset", Select(&["earliest", "latest", "none"]), "latest"),
    s("max.poll.records", Number, "500"),
    s("session.timeout.ms", Number, "45000"),
    s("heartbeat.interval.ms", Number, "3000"),
    s("max.poll.interval.ms", Number, "300000"),
    s("commit", Select(&["auto", "after_batch", "per_record", "out_of_order"]), "auto"),
    s("processing", Select(&["in_poll_loop", "handoff"]), "in_poll_loop"),
    s("processing_ms", Number, "5"),
    s("inbox", Bool, "false"),
    s("dlq", Text, "null"),
];

pub const PROCESSOR: &[Setting] = &[
    s("processing.guarantee", Select(&["at_least_once", "exactly_once_v2"]), "at_least_once"),
    s("commit.interval.ms", Number, "30000"),
    s("processing_ms", Number, "5"),
];

pub fn catalogue(owner: Owner) -> &'static [Setting] {
    match owner {
        Owner::Cluster => CLUSTER,
        Owner::Topic(_) => TOPIC,
        Owner::Producer(_) => PRODUCER,
        Owner::Consumer(_) => CONSUMER,
        Owner::Processor(_) => PROCESSOR,
    }
}

/// The value written in the scenario, if the setting is set there (`None`: Kafka's default).
/// Read directly from the fields (every control reads it on every change, so this stays
/// cheap); a test checks it agrees with the engine's `settings::get` for every setting.
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

/// Writes a setting (`None` removes it: Kafka's default) through the engine's by-name
/// settings. An unreadable value is an error message for the control; whether Kafka accepts
/// the value is for `resolve` to say.
pub fn set(s: &mut Scenario, owner: Owner, prop: &str, value: Option<&str>) -> Result<(), String> {
    let id = owner.id(s);
    let v = value.map(str::trim).unwrap_or("");
    ackademy_engine::settings::set(s, prop, &id, v)
}

/// Which control an engine error is about: (`data-owner`, property) from its field path,
/// e.g. `producers[0].config.acks` → (`p1`, `acks`).
pub fn error_target(s: &Scenario, path: &str) -> Option<(String, String)> {
    if let Some(prop) = path.strip_prefix("cluster.") {
        return Some(("cluster".into(), prop.into()));
    }
    let (list, rest) = path.split_once('[')?;
    let (index, rest) = rest.split_once("].")?;
    let i: usize = index.parse().ok()?;
    let prop = rest.strip_prefix("config.").unwrap_or(rest);
    let owner = match list {
        "topics" => Owner::Topic(i),
        "producers" => Owner::Producer(i),
        "consumers" => Owner::Consumer(i),
        "processors" => Owner::Processor(i),
        _ => return None,
    };
    Some((owner.id(s), prop.into()))
}

/// Whether the panel has a control for `prop` of the owner named `owner_id`.
pub fn has_control(s: &Scenario, owner_id: &str, prop: &str) -> bool {
    let owners = std::iter::once(Owner::Cluster)
        .chain((0..s.topics.len()).map(Owner::Topic))
        .chain((0..s.producers.len()).map(Owner::Producer))
        .chain((0..s.consumers.len()).map(Owner::Consumer))
        .chain((0..s.processors.len()).map(Owner::Processor));
    owners
        .filter(|o| o.id(s) == owner_id)
        .any(|o| catalogue(o).iter().any(|c| c.prop == prop))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogued_setting_round_trips_through_the_scenario() {
        let mut s = crate::defaults::scenario();
        s.processors.push(Default::default());
        for owner in [Owner::Cluster, Owner::Topic(0), Owner::Producer(0), Owner::Consumer(0), Owner::Processor(0)] {
            for st in catalogue(owner) {
                let value = match st.control {
                    Control::Select(options) => options[options.len() - 1].to_string(),
                    Control::Bool => "true".into(),
                    Control::Number => "7".into(),
                    Control::Text => "tx".into(),
                };
                set(&mut s, owner, st.prop, Some(&value)).unwrap_or_else(|e| panic!("{}: {e}", st.prop));
                assert_eq!(explicit(&s, owner, st.prop).as_deref(), Some(value.as_str()), "{}", st.prop);
                let id = owner.id(&s);
                assert_eq!(explicit(&s, owner, st.prop), ackademy_engine::settings::get(&s, st.prop, &id), "{} agrees with the engine", st.prop);
                set(&mut s, owner, st.prop, None).expect("unset");
                assert_eq!(explicit(&s, owner, st.prop), None, "{}", st.prop);
            }
        }
    }

    #[test]
    fn effective_values_cover_the_catalogue() {
        let out = ackademy_engine::run(&crate::defaults::scenario()).expect("runs");
        for owner in [Owner::Cluster, Owner::Topic(0), Owner::Producer(0), Owner::Consumer(0)] {
            for st in catalogue(owner) {
                if !matches!(st.prop, "transactional.id" | "dlq") {
                    assert!(effective(&out.cfg, owner, st.prop).is_some(), "{}", st.prop);
                }
            }
        }
        assert_eq!(effective(&out.cfg, Owner::Producer(0), "acks").as_deref(), Some("1"));
        assert_eq!(effective(&out.cfg, Owner::Producer(0), "enable.idempotence").as_deref(), Some("false"));
    }

    #[test]
    fn engine_errors_point_at_their_control() {
        let s = crate::defaults::scenario();
        assert_eq!(error_target(&s, "producers[0].config.acks"), Some(("p1".into(), "acks".into())));
        assert_eq!(error_target(&s, "topics[0].replication.factor"), Some(("orders".into(), "replication.factor".into())));
        assert_eq!(error_target(&s, "cluster.brokers"), Some(("cluster".into(), "brokers".into())));
        assert_eq!(error_target(&s, "consumers[0].config.isolation.level"), Some(("c1".into(), "isolation.level".into())));
        assert_eq!(error_target(&s, "faults[0].broker"), None);
        assert!(has_control(&s, "p1", "acks"));
        assert!(!has_control(&s, "orders", "name"));
        assert_eq!(error_target(&s, ""), None);
    }

    #[test]
    fn an_explicit_idempotence_with_acks_1_is_refused_in_kafkas_words() {
        let mut s = crate::defaults::scenario();
        set(&mut s, Owner::Producer(0), "enable.idempotence", Some("true")).expect("set");
        let err = ackademy_engine::resolve(&s).expect_err("Kafka refuses it");
        assert_eq!(err.path, "producers[0].config.acks");
        assert!(err.message.contains("Must set acks to all"));
    }
}
