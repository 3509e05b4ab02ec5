//! The settings panel's side of the engine's settings (`ackademy_engine::settings`, whose
//! table names every setting, its owner, its values and Kafka's default): writing a
//! control's value, and finding the control an engine error is about. Nothing here decides
//! what a value means: the engine's `resolve` does, and its error is what the panel shows.

pub use ackademy_engine::settings::{effective, explicit, find, of, Kind, Owner, Setting, Values};
use ackademy_engine::Scenario;

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

/// Whether an error is Kafka refusing a setting or a combination of settings (a Kafka
/// property: `acks`, `retries` or a dotted name), rather than the playground's own limits
/// or a scenario field (a fault's time, a message count).
pub fn is_kafka_refusal(s: &Scenario, path: &str) -> bool {
    error_target(s, path).is_some_and(|(_, p)| p.contains('.') || p == "acks" || p == "retries")
}

/// Whether the panel has a control for `prop` of the owner named `owner_id`.
pub fn has_control(s: &Scenario, owner_id: &str, prop: &str) -> bool {
    Owner::all(s).filter(|o| o.id(s) == owner_id).any(|o| find(o.kind(), prop).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_refusals_are_told_from_the_playgrounds_limits() {
        let s = crate::defaults::scenario();
        assert!(is_kafka_refusal(&s, "producers[0].config.acks"));
        assert!(is_kafka_refusal(&s, "producers[0].config.enable.idempotence"));
        assert!(is_kafka_refusal(&s, "topics[0].replication.factor"));
        assert!(!is_kafka_refusal(&s, "faults[0].at_ms"));
        assert!(!is_kafka_refusal(&s, "faults[0].processor"));
        assert!(!is_kafka_refusal(&s, "producers[0].messages"));
        assert!(!is_kafka_refusal(&s, "cluster.brokers"));
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
