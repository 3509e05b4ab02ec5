//! Compact share links: `#s=1.<base64url of the deflated scenario JSON>`.
//!
//! The leading `1` is the link format version. The JSON inside is the scenario exactly as
//! the engine serializes it, so a link round-trips to an equal `Scenario`.

use ackademy_engine::types::MsgId;
use ackademy_engine::{parse_scenario, Scenario, ScenarioError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The fragment key of a share link (`#s=...`).
pub const FRAGMENT_KEY: &str = "s=";
/// The current link format.
pub const LINK_VERSION: &str = "1";
/// Largest inflated scenario a link may carry (the engine's own input limit is larger; a
/// link this big is not a link anyone shares).
const MAX_INFLATED: usize = 1 << 20;

/// The scenario as compact JSON (what share links and autosave store).
pub fn to_json(s: &Scenario) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// `1.<base64url(deflate(json))>`. (The page keeps one of these per change:
/// `AppState::link`, made from `AppState::json` with [`pack`].)
#[cfg(test)]
pub fn encode(s: &Scenario) -> String {
    pack(&to_json(s))
}

/// Any JSON as a link value: `1.<base64url(deflate(json))>` (share and challenge links).
pub fn pack(json: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 10);
    format!("{LINK_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Why a share link could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Not of the form `<version>.<data>`, or the version is unknown.
    Version(String),
    /// The data is not base64url or not deflate.
    Corrupt,
    /// The data is a scenario the engine refuses.
    Scenario(ScenarioError),
}

/// Reads the value of a share fragment (`1.<data>`, without `s=`).
pub fn decode(value: &str) -> Result<Scenario, LinkError> {
    parse_scenario(&unpack(value)?).map_err(LinkError::Scenario)
}

/// The JSON inside a link value made by [`pack`] (never [`LinkError::Scenario`]).
pub fn unpack(value: &str) -> Result<String, LinkError> {
    let (version, data) = value.split_once('.').ok_or_else(|| LinkError::Version(String::new()))?;
    if version != LINK_VERSION {
        return Err(LinkError::Version(version.chars().take(10).collect()));
    }
    let packed = URL_SAFE_NO_PAD.decode(data.trim_end_matches('=')).map_err(|_| LinkError::Corrupt)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED)
        .map_err(|_| LinkError::Corrupt)?;
    String::from_utf8(json).map_err(|_| LinkError::Corrupt)
}

/// The fragment key of the moment a share link opens at (`&t=<simulated ms>`): the
/// sender's paused view, so that the colleague looks at the same thing.
pub const TIME_KEY: &str = "t=";

/// The moment inside a location hash (`#s=1.xxx&t=12000`), if any.
pub fn time_from_hash(hash: &str) -> Option<u64> {
    hash.trim_start_matches('#').split('&').find_map(|part| part.strip_prefix(TIME_KEY)?.parse().ok())
}

/// The fragment key of the message whose story a share link opens
/// (`&m=<producer>.<index>`, the engine's message id: producer ids may hold any character,
/// numbers need no escaping).
pub const MSG_KEY: &str = "m=";

/// `&m=…` for a link that opens `m`'s story.
pub fn msg_param(m: MsgId) -> String {
    format!("&{MSG_KEY}{}.{}", m.producer, m.index)
}

/// The message inside a location hash (`#s=1.xxx&m=0.12`), if any.
pub fn msg_from_hash(hash: &str) -> Option<MsgId> {
    hash.trim_start_matches('#').split('&').find_map(|part| {
        let (p, i) = part.strip_prefix(MSG_KEY)?.split_once('.')?;
        Some(MsgId { producer: p.parse().ok()?, index: i.parse().ok()? })
    })
}

/// The share value inside a location hash (`#s=1.xxx` or `#...&s=1.xxx`), if any.
pub fn from_hash(hash: &str) -> Option<&str> {
    hash.trim_start_matches('#').split('&').find_map(|part| part.strip_prefix(FRAGMENT_KEY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scenario_round_trips_and_is_short() {
        let s = crate::defaults::scenario();
        let link = encode(&s);
        assert!(link.len() < 600, "link is {} chars", link.len());
        assert_eq!(decode(&link).expect("decodes"), s);
    }

    #[test]
    fn every_fault_kind_round_trips() {
        let json = r#"{"version":1,"seed":3,"until_ms":60000,
          "cluster":{"brokers":3,"unclean.leader.election.enable":true},
          "topics":[{"name":"orders","partitions":2,"replication.factor":3,"min.insync.replicas":2}],
          "producers":[{"id":"p1","topic":"orders","messages":20,"keys":2,
             "config":{"acks":"all","transactional.id":"tx-1","linger.ms":5}}],
          "consumers":[{"id":"c1","group":"g1","topic":"orders",
             "config":{"isolation.level":"read_committed","auto.offset.reset":"earliest"}}],
          "faults":[{"at_ms":100,"kind":"crash_broker","broker":0},{"at_ms":200,"kind":"heal"},
            {"at_ms":300,"kind":"drop_produce_responses","producer":"p1","count":2},
            {"at_ms":400,"kind":"slow_message","message":"p1-3","ms":50},
            {"at_ms":500,"kind":"add_partitions","topic":"orders","count":4}]}"#;
        let s = parse_scenario(json).expect("valid");
        assert_eq!(decode(&encode(&s)).expect("decodes"), s);
    }

    #[test]
    fn broken_links_are_errors_not_panics() {
        assert!(matches!(decode("garbage"), Err(LinkError::Version(_))));
        assert!(matches!(decode("9.abc"), Err(LinkError::Version(v)) if v == "9"));
        assert_eq!(decode("1.!!!"), Err(LinkError::Corrupt));
        assert_eq!(decode("1.AAAA"), Err(LinkError::Corrupt));
        let not_a_scenario = miniz_oxide::deflate::compress_to_vec(br#"{"version":1,"brokers":2}"#, 6);
        let link = format!("1.{}", URL_SAFE_NO_PAD.encode(not_a_scenario));
        assert!(matches!(decode(&link), Err(LinkError::Scenario(_))));
    }

    #[test]
    fn the_share_value_is_found_in_a_hash() {
        assert_eq!(from_hash("#s=1.abc"), Some("1.abc"));
        assert_eq!(from_hash("#x=2&s=1.abc"), Some("1.abc"));
        assert_eq!(from_hash("#s=1.abc&t=12000"), Some("1.abc"));
        assert_eq!(time_from_hash("#s=1.abc&t=12000"), Some(12000));
        assert_eq!(time_from_hash("#s=1.abc&t=soon"), None);
        let m = MsgId { producer: 1, index: 12 };
        assert_eq!(msg_param(m), "&m=1.12");
        assert_eq!(msg_from_hash(&format!("#s=1.abc&t=5{}", msg_param(m))), Some(m));
        assert_eq!(from_hash(&format!("#s=1.abc{}", msg_param(m))), Some("1.abc"));
        assert_eq!(msg_from_hash("#s=1.abc&m=1"), None);
        assert_eq!(msg_from_hash("#s=1.abc&m=x.2"), None);
        assert_eq!(msg_from_hash("#s=1.abc&m=99999999.2"), None);
        assert_eq!(time_from_hash("#s=1.abc"), None);
        assert_eq!(from_hash("#lesson"), None);
        assert_eq!(from_hash(""), None);
    }
}
