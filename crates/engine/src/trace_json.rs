//! The trace as JSON lines (`ackademy run --trace`): one object per event, with names as
//! the scenario gives them (`p1-17`, `orders-0`, `broker 1`).

use crate::audit::{msg_name, node_name};
use crate::config::Resolved;
use crate::trace::{DropReason, Event, Kind, Wire};
use crate::types::{Node, Tp};
use serde_json::{json, Value};

pub fn tp_name(cfg: &Resolved, tp: Tp) -> String {
    format!("{}-{}", cfg.topics[tp.topic as usize].name, tp.partition)
}

fn node_id(cfg: &Resolved, n: Node) -> String {
    match n {
        Node::Broker(b) => format!("b{b}"),
        Node::Producer(_, i) | Node::Consumer(_, i) | Node::Processor(_, i) => format!("{}#{i}", node_name(cfg, n)),
        _ => node_name(cfg, n),
    }
}

fn wire(cfg: &Resolved, w: &Wire) -> Value {
    match w {
        Wire::ProduceRequest { records } => json!({"type": "produce", "records": records}),
        Wire::ProduceResponse { error } => json!({"type": "produce_response", "error": error.map(|e| e.name())}),
        Wire::FetchRequest { tp, offset } => json!({"type": "fetch", "partition": tp_name(cfg, *tp), "offset": offset}),
        Wire::FetchResponse { tp, records } => json!({"type": "fetch_response", "partition": tp_name(cfg, *tp), "records": records}),
        other => json!({"type": format!("{other:?}").to_lowercase()}),
    }
}

pub fn event_json(cfg: &Resolved, e: &Event) -> Value {
    let m = |x| msg_name(cfg, x);
    let tpn = |x| tp_name(cfg, x);
    let n = |x| node_id(cfg, x);
    let body = match &e.kind {
        Kind::Net { id, from, to, arrive, wire: w } => {
            json!({"kind": "net", "id": id, "from": n(*from), "to": n(*to), "arrive_ms": arrive, "wire": wire(cfg, w)})
        }
        Kind::NetDrop { id, reason } => json!({"kind": "net_drop", "id": id, "reason": match reason {
            DropReason::LinkCut => "link_cut", DropReason::TargetDown => "target_down",
            DropReason::Fault => "fault", DropReason::SenderGone => "receiver_gone" }}),
        Kind::BrokerCrash { b } => json!({"kind": "broker_crash", "broker": b}),
        Kind::BrokerRestart { b } => json!({"kind": "broker_restart", "broker": b}),
        Kind::Isolate { b } => json!({"kind": "isolate", "broker": b}),
        Kind::Heal => json!({"kind": "heal"}),
        Kind::BrokerFenced { b } => json!({"kind": "broker_fenced", "broker": b}),
        Kind::BrokerUnfenced { b } => json!({"kind": "broker_unfenced", "broker": b}),
        Kind::Leader { tp, leader, epoch, isr, unclean } => {
            json!({"kind": "leader", "partition": tpn(*tp), "leader": leader, "leader_epoch": epoch, "isr": isr, "unclean": unclean})
        }
        Kind::Isr { tp, isr } => json!({"kind": "isr", "partition": tpn(*tp), "isr": isr}),
        Kind::Role { b, tp, leader, epoch } => {
            json!({"kind": "role", "broker": b, "partition": tpn(*tp), "leader": leader, "leader_epoch": epoch})
        }
        Kind::Append { b, tp, base_offset, epoch, producer_id, transactional, control, records } => json!({
            "kind": "append", "broker": b, "partition": tpn(*tp), "base_offset": base_offset,
            "leader_epoch": epoch, "producer_id": producer_id, "transactional": transactional,
            "control": control.map(|c| format!("{c:?}").to_lowercase()),
            "messages": if control.is_some() { vec![] } else { records.iter().map(|r| m(r.msg)).collect::<Vec<_>>() },
        }),
        Kind::Hw { b, tp, hw } => json!({"kind": "hw", "broker": b, "partition": tpn(*tp), "hw": hw}),
        Kind::Truncate { b, tp, to, removed } => {
            json!({"kind": "truncate", "broker": b, "partition": tpn(*tp), "to": to, "removed": removed})
        }
        Kind::ProducerStart { p, inst } => json!({"kind": "producer_start", "producer": n(Node::Producer(*p, *inst))}),
        Kind::ProducerId { p, inst, pid, epoch } => {
            json!({"kind": "producer_id", "producer": n(Node::Producer(*p, *inst)), "producer_id": pid, "epoch": epoch})
        }
        Kind::ProducerCrash { p, inst } => json!({"kind": "producer_crash", "producer": n(Node::Producer(*p, *inst))}),
        Kind::ProducerPause { p, inst } => json!({"kind": "producer_pause", "producer": n(Node::Producer(*p, *inst))}),
        Kind::ProducerResume { p, inst } => json!({"kind": "producer_resume", "producer": n(Node::Producer(*p, *inst))}),
        Kind::Send { p, inst, msg, key, tp } => json!({"kind": "send", "producer": n(Node::Producer(*p, *inst)),
            "message": m(*msg), "key": key.map(|k| format!("k{k}")), "partition": tpn(*tp)}),
        Kind::Ack { p, inst, msg, tp, offset } => json!({"kind": "ack", "producer": n(Node::Producer(*p, *inst)),
            "message": m(*msg), "partition": tpn(*tp), "offset": offset}),
        Kind::Fail { p, inst, msg, error } => json!({"kind": "fail", "producer": n(Node::Producer(*p, *inst)),
            "message": m(*msg), "error": error.name()}),
        Kind::Retry { p, inst, tp, records, attempt, error } => json!({"kind": "retry", "producer": n(Node::Producer(*p, *inst)),
            "partition": tpn(*tp), "records": records, "attempt": attempt, "error": error.name()}),
        Kind::ConsumerStart { c, inst } => json!({"kind": "consumer_start", "consumer": n(Node::Consumer(*c, *inst))}),
        Kind::ConsumerCrash { c, inst } => json!({"kind": "consumer_crash", "consumer": n(Node::Consumer(*c, *inst))}),
        Kind::Assign { c, inst, generation, partitions } => json!({"kind": "assign", "consumer": n(Node::Consumer(*c, *inst)),
            "generation": generation, "partitions": partitions.iter().map(|t| tpn(*t)).collect::<Vec<_>>()}),
        Kind::Poll { c, inst, generation, records } => json!({"kind": "poll", "consumer": n(Node::Consumer(*c, *inst)),
            "generation": generation, "records": records.iter().map(|(t, o, x)| json!([tpn(*t), o, m(*x)])).collect::<Vec<_>>()}),
        Kind::Apply { c, inst, msg, tp, offset } => json!({"kind": "apply", "consumer": n(Node::Consumer(*c, *inst)),
            "message": m(*msg), "partition": tpn(*tp), "offset": offset}),
        Kind::InboxSkip { c, inst, msg } => json!({"kind": "inbox_skip", "consumer": n(Node::Consumer(*c, *inst)), "message": m(*msg)}),
        Kind::Commit { c, inst, generation, offsets, ok } => json!({"kind": "commit", "consumer": n(Node::Consumer(*c, *inst)),
            "generation": generation, "ok": ok,
            "offsets": offsets.iter().map(|(t, o)| json!([tpn(*t), o])).collect::<Vec<_>>()}),
        Kind::OffsetReset { c, inst, tp, offset } => json!({"kind": "offset_reset", "consumer": n(Node::Consumer(*c, *inst)),
            "partition": tpn(*tp), "offset": offset}),
        Kind::TruncationDetected { c, inst, tp, position, offset } => json!({"kind": "truncation_detected",
            "consumer": n(Node::Consumer(*c, *inst)), "partition": tpn(*tp), "position": position, "offset": offset}),
        Kind::Rebalance { group, generation, members } => json!({"kind": "rebalance", "group": group, "generation": generation, "members": members}),
        Kind::Txn { tid, pid, epoch, state } => json!({"kind": "txn", "transactional_id": &**tid, "producer_id": pid,
            "epoch": epoch, "state": state.name()}),
        Kind::TxnOffsetsCommitted { group, tp, offset } => json!({"kind": "txn_offsets_committed", "group": group,
            "partition": tpn(*tp), "offset": offset}),
        Kind::OutboxWrite { p, inst, msg, key } => json!({"kind": "outbox_write", "producer": n(Node::Producer(*p, *inst)),
            "message": m(*msg), "key": key.map(|k| format!("k{k}"))}),
        Kind::OutboxMarked { p, inst, msg, tp, offset } => json!({"kind": "outbox_marked", "producer": n(Node::Producer(*p, *inst)),
            "message": m(*msg), "partition": tpn(*tp), "offset": offset}),
        Kind::RelayError { p, inst, msg, error } => json!({"kind": "relay_error", "producer": n(Node::Producer(*p, *inst)),
            "message": m(*msg), "error": error.name()}),
        Kind::ProcessingFailed { c, inst, msg, attempt } => json!({"kind": "processing_failed", "consumer": n(Node::Consumer(*c, *inst)),
            "message": m(*msg), "attempt": attempt}),
        Kind::DeadLetter { c, inst, msg, tp } => json!({"kind": "dead_letter", "consumer": n(Node::Consumer(*c, *inst)),
            "message": m(*msg), "partition": tpn(*tp)}),
        Kind::ProcessorStart { n: k, inst } => json!({"kind": "processor_start", "processor": format!("{}#{inst}", cfg.processors[*k as usize].id)}),
        Kind::ProcessorCrash { n: k, inst } => json!({"kind": "processor_crash", "processor": format!("{}#{inst}", cfg.processors[*k as usize].id)}),
        Kind::Forward { n: k, inst, msg, from, offset, to } => json!({"kind": "forward",
            "processor": format!("{}#{inst}", cfg.processors[*k as usize].id), "message": m(*msg),
            "from": tpn(*from), "offset": offset, "to": tpn(*to)}),
        Kind::Error { who, error, msg } => json!({"kind": "error", "who": node_name(cfg, *who), "error": error.name(),
            "message": msg.map(m)}),
    };
    let mut v = body;
    v.as_object_mut().expect("object").insert("t".into(), json!(e.t));
    v
}
