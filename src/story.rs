//! Readable sentences for trace events: the text event log and each message's story.
//! Built from the engine's events and names only; every word comes from the locale files.

use crate::i18n::*;
use crate::run::RunData;
use ackademy_engine::audit::node_name;
use ackademy_engine::trace::{DropReason, Event, Kind, Wire};
use ackademy_engine::types::{MsgId, Node, Tp};

/// Simulated milliseconds as seconds, e.g. `12.34 s`.
pub fn secs(l: Locale, ms: f64) -> String {
    let v = format!("{:.2}", ms / 1000.0);
    td_string!(l, time_s, s = v).to_string()
}

pub fn broker(l: Locale, b: u32) -> String {
    td_string!(l, broker_n, n = b).to_string()
}

fn who(l: Locale, run: &RunData, n: Node) -> String {
    match n {
        Node::Broker(b) => broker(l, b),
        Node::Controller => td_string!(l, controller).to_string(),
        Node::Coordinator => td_string!(l, coordinator).to_string(),
        _ => node_name(&run.out.cfg, n),
    }
}

fn list_brokers(l: Locale, bs: &[u32]) -> String {
    if bs.is_empty() {
        return td_string!(l, nobody).to_string();
    }
    bs.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(", ")
}

fn tp(run: &RunData, t: Tp) -> String {
    run.tp_name(t)
}

/// One sentence for an event, or `None` for the ones too small to tell (network hops,
/// high-watermark moves, follower appends outside a message's story).
pub fn describe(l: Locale, run: &RunData, e: &Event, focus: Option<MsgId>) -> Option<String> {
    let m = |x: MsgId| run.msg_name(x);
    let p = |x: u16, i: u16| who(l, run, Node::Producer(x, i));
    let c = |x: u16, i: u16| who(l, run, Node::Consumer(x, i));
    let s: String = match &e.kind {
        Kind::BrokerCrash { b } => td_string!(l, ev_broker_crash, broker = broker(l, *b)).to_string(),
        Kind::BrokerRestart { b } => td_string!(l, ev_broker_restart, broker = broker(l, *b)).to_string(),
        Kind::Isolate { b } => td_string!(l, ev_isolate, broker = broker(l, *b)).to_string(),
        Kind::Heal => td_string!(l, ev_heal).to_string(),
        Kind::BrokerFenced { b } => td_string!(l, ev_fenced, broker = broker(l, *b)).to_string(),
        Kind::BrokerUnfenced { b } => td_string!(l, ev_unfenced, broker = broker(l, *b)).to_string(),
        Kind::Leader { tp: t, leader: Some(b), epoch, isr, unclean } => {
            let base = td_string!(l, ev_leader, tp = tp(run, *t), broker = broker(l, *b), epoch = epoch, isr = list_brokers(l, isr)).to_string();
            if *unclean {
                format!("{base} {}", td_string!(l, ev_unclean))
            } else {
                base
            }
        }
        Kind::Leader { tp: t, leader: None, .. } => td_string!(l, ev_no_leader, tp = tp(run, *t)).to_string(),
        Kind::Isr { tp: t, isr } => td_string!(l, ev_isr, tp = tp(run, *t), isr = list_brokers(l, isr)).to_string(),
        Kind::Truncate { b, tp: t, to, removed } => {
            if *removed == 0 {
                return None;
            }
            if *removed == 1 {
                td_string!(l, ev_truncate_one, broker = broker(l, *b), tp = tp(run, *t), to = to).to_string()
            } else {
                td_string!(l, ev_truncate, broker = broker(l, *b), tp = tp(run, *t), to = to, n = removed).to_string()
            }
        }
        Kind::Append { b, tp: t, base_offset, epoch, control, records, .. } => {
            let f = focus?;
            if control.is_some() {
                return None;
            }
            let i = records.iter().position(|r| r.msg == f)?;
            td_string!(l, ev_append, broker = broker(l, *b), tp = tp(run, *t), offset = base_offset + i as u64, epoch = epoch).to_string()
        }
        Kind::ProducerStart { p: x, inst } => td_string!(l, ev_started, who = p(*x, *inst)).to_string(),
        Kind::ProducerCrash { p: x, inst } => td_string!(l, ev_crashed, who = p(*x, *inst)).to_string(),
        Kind::ProducerPause { p: x, inst } => td_string!(l, ev_paused, who = p(*x, *inst)).to_string(),
        Kind::ProducerResume { p: x, inst } => td_string!(l, ev_resumed, who = p(*x, *inst)).to_string(),
        Kind::Send { p: x, inst, msg, key, tp: t } => {
            let key = key.map(|k| td_string!(l, msg_key, k = format!("k{k}")).to_string()).unwrap_or_else(|| td_string!(l, no_key).to_string());
            td_string!(l, ev_send, who = p(*x, *inst), msg = m(*msg), key = key, tp = tp(run, *t)).to_string()
        }
        Kind::Ack { p: x, inst, msg, tp: t, offset } => match offset {
            Some(o) => td_string!(l, ev_ack, who = p(*x, *inst), msg = m(*msg), tp = tp(run, *t), offset = o).to_string(),
            None => td_string!(l, ev_ack_blind, who = p(*x, *inst), msg = m(*msg)).to_string(),
        },
        Kind::Fail { p: x, inst, msg, error } => td_string!(l, ev_fail, who = p(*x, *inst), msg = m(*msg), error = error.name()).to_string(),
        Kind::Retry { p: x, inst, tp: t, records, attempt, error } => {
            if *records == 1 {
                td_string!(l, ev_retry_one, who = p(*x, *inst), tp = tp(run, *t), attempt = attempt, error = error.name()).to_string()
            } else {
                td_string!(l, ev_retry, who = p(*x, *inst), n = records, tp = tp(run, *t), attempt = attempt, error = error.name()).to_string()
            }
        }
        Kind::ConsumerStart { c: x, inst } => td_string!(l, ev_started, who = c(*x, *inst)).to_string(),
        Kind::ConsumerCrash { c: x, inst } => td_string!(l, ev_crashed, who = c(*x, *inst)).to_string(),
        Kind::Assign { c: x, inst, generation, partitions } => {
            let parts = partitions.iter().map(|t| tp(run, *t)).collect::<Vec<_>>().join(", ");
            let parts = if parts.is_empty() { td_string!(l, nothing).to_string() } else { parts };
            td_string!(l, ev_assign, who = c(*x, *inst), parts = parts, generation = generation).to_string()
        }
        Kind::Poll { c: x, inst, records, .. } => match focus {
            Some(f) => {
                let (t, o, _) = records.iter().find(|r| r.2 == f)?;
                td_string!(l, ev_poll_msg, who = c(*x, *inst), tp = tp(run, *t), offset = o).to_string()
            }
            None if records.is_empty() => return None,
            None if records.len() == 1 => td_string!(l, ev_poll_one, who = c(*x, *inst)).to_string(),
            None => td_string!(l, ev_poll, who = c(*x, *inst), n = records.len()).to_string(),
        },
        Kind::Apply { c: x, inst, msg, tp: t, offset } => {
            td_string!(l, ev_apply, who = c(*x, *inst), msg = m(*msg), tp = tp(run, *t), offset = offset).to_string()
        }
        Kind::InboxSkip { c: x, inst, msg } => td_string!(l, ev_inbox_skip, who = c(*x, *inst), msg = m(*msg)).to_string(),
        Kind::Commit { c: x, inst, offsets, ok, .. } => {
            let o = offsets.iter().map(|(t, o)| format!("{}: {o}", tp(run, *t))).collect::<Vec<_>>().join(", ");
            if *ok {
                td_string!(l, ev_commit, who = c(*x, *inst), offsets = o).to_string()
            } else {
                td_string!(l, ev_commit_failed, who = c(*x, *inst), offsets = o).to_string()
            }
        }
        Kind::OffsetReset { c: x, inst, tp: t, offset } => {
            td_string!(l, ev_offset_reset, who = c(*x, *inst), tp = tp(run, *t), offset = offset).to_string()
        }
        Kind::TruncationDetected { c: x, inst, tp: t, position, offset } => {
            td_string!(l, ev_truncation_detected, who = c(*x, *inst), tp = tp(run, *t), position = position, offset = offset).to_string()
        }
        Kind::Rebalance { generation, members, .. } => td_string!(l, ev_rebalance, generation = generation, n = members).to_string(),
        Kind::Txn { tid, state, .. } => td_string!(l, ev_txn, tid = &**tid, state = state.name()).to_string(),
        Kind::TxnOffsetsCommitted { tp: t, offset, .. } => td_string!(l, ev_txn_offsets, tp = tp(run, *t), offset = offset).to_string(),
        Kind::OutboxWrite { p: x, inst, msg, .. } => td_string!(l, ev_outbox_write, who = p(*x, *inst), msg = m(*msg)).to_string(),
        Kind::OutboxMarked { msg, .. } => td_string!(l, ev_outbox_marked, msg = m(*msg)).to_string(),
        Kind::RelayError { msg, error, .. } => td_string!(l, ev_relay_error, msg = m(*msg), error = error.name()).to_string(),
        Kind::ProcessingFailed { c: x, inst, msg, attempt } => {
            td_string!(l, ev_processing_failed, who = c(*x, *inst), msg = m(*msg), attempt = attempt).to_string()
        }
        Kind::DeadLetter { c: x, inst, msg, tp: t } => td_string!(l, ev_dead_letter, who = c(*x, *inst), msg = m(*msg), tp = tp(run, *t)).to_string(),
        Kind::ProcessorStart { n, inst } => td_string!(l, ev_started, who = who(l, run, Node::Processor(*n, *inst))).to_string(),
        Kind::ProcessorCrash { n, inst } => td_string!(l, ev_crashed, who = who(l, run, Node::Processor(*n, *inst))).to_string(),
        Kind::Forward { n, inst, msg, from, to, .. } => {
            td_string!(l, ev_forward, who = who(l, run, Node::Processor(*n, *inst)), msg = m(*msg), from = tp(run, *from), to = tp(run, *to)).to_string()
        }
        // An error naming a message is its failed send, told by the `Fail` just before it.
        Kind::Error { msg: Some(_), .. } => return None,
        Kind::Error { who: w, error, msg: None } => td_string!(l, ev_error, who = who(l, run, *w), error = error.name()).to_string(),
        // Network hops, high watermarks, roles, producer ids, and any kind added later.
        #[allow(unreachable_patterns)]
        _ => return None,
    };
    Some(s)
}

/// What became of a message in the end, as the audit judged it.
pub fn fate(l: Locale, run: &RunData, msg: MsgId) -> String {
    let f = &run.out.findings;
    let mut parts = Vec::new();
    if f.lost.contains(&msg) {
        // Where it is, in brief (the story's last line tells it in full).
        let place = if f.lost_in_log.contains(&msg) { td_string!(l, fate_lost_in_log) } else { td_string!(l, fate_lost_gone) };
        parts.push(format!("{} ({place})", td_string!(l, fate_lost)));
    }
    if f.duplicated.contains(&msg) {
        parts.push(td_string!(l, fate_duplicated).to_string());
    }
    if f.reordered.contains(&msg) {
        parts.push(td_string!(l, fate_reordered).to_string());
    }
    if f.aborted_read.contains(&msg) {
        parts.push(td_string!(l, fate_aborted_read).to_string());
    }
    if f.duplicated_in_log.contains(&msg) {
        parts.push(td_string!(l, fate_duplicated_in_log).to_string());
    }
    if parts.is_empty() {
        parts.push(td_string!(l, fate_ok).to_string());
    }
    parts.join(" · ")
}

/// A message's story: (time, sentence) for everything that happened to it — the engine's
/// `Timeline::story`, plus what happened to its producer's requests while it was in flight
/// (retries, produce requests and acks lost on the wire), which explains most duplicates.
pub fn story(l: Locale, run: &RunData, msg: MsgId) -> Vec<(u64, String)> {
    let events = run.tl.story(msg);
    let mut out: Vec<(u64, String)> = events.iter().filter_map(|e| describe(l, run, e, Some(msg)).map(|s| (e.t, s))).collect();
    // The window in which the producer was sending it: from the send to the last answer.
    let sent = events.iter().find_map(|e| match &e.kind {
        Kind::Send { p, tp, .. } => Some((e.t, *p, *tp)),
        _ => None,
    });
    if let Some((from, p, tp)) = sent {
        let until = events
            .iter()
            .filter(|e| matches!(e.kind, Kind::Ack { .. } | Kind::Fail { .. }))
            .map(|e| e.t)
            .max()
            .unwrap_or(run.tl.end);
        for e in &run.tl.events {
            if e.t < from || e.t > until {
                continue;
            }
            if let Kind::Retry { p: rp, tp: rtp, .. } = &e.kind {
                if *rp == p && *rtp == tp {
                    if let Some(text) = describe(l, run, e, None) {
                        out.push((e.t, text));
                    }
                }
            }
        }
        for f in &run.tl.flights {
            let Some((dt, reason)) = f.dropped else { continue };
            if f.sent < from || f.sent > until {
                continue;
            }
            let who = || node_name(&run.out.cfg, Node::Producer(p, 0));
            let text = match (f.wire, f.from, f.to) {
                (Wire::ProduceRequest { .. }, Node::Producer(fp, _), _) if fp == p => {
                    td_string!(l, story_drop_request, who = who(), reason = drop_reason(l, reason)).to_string()
                }
                (Wire::ProduceResponse { .. }, _, Node::Producer(tp_, _)) if tp_ == p => {
                    td_string!(l, story_drop_response, who = who(), reason = drop_reason(l, reason)).to_string()
                }
                _ => continue,
            };
            out.push((dt, text));
        }
    }
    if run.out.findings.reordered.contains(&msg) {
        out.extend(overtaken(l, run, msg));
    }
    if run.out.findings.lost.contains(&msg) {
        out.push(where_lost(l, run, msg));
    }
    for e in context(run, &events, msg) {
        if let Some(text) = describe(l, run, e, None) {
            out.push((e.t, text));
        }
    }
    ackademy_engine::sort::by_key(&mut out, |x| x.0);
    out
}

/// For a lost message, the last line: is it still in a partition's log at the end (then no
/// consumer of its group processed it: one was down, or behind, when the run ended), or in
/// no log at all (the log that held it was truncated, or it was never written)?
fn where_lost(l: Locale, run: &RunData, msg: MsgId) -> (u64, String) {
    let end = run.end();
    let state = run.tl.state_at(end);
    // The audit says whether it is in a log; the picture at the end says where.
    let in_log = run.out.findings.lost_in_log.contains(&msg);
    // Its leader's log, or (a partition left with no leader) any replica's.
    let at = |leader_only: bool| {
        state.replicas.iter().find_map(|((b, tp), r)| {
            if leader_only && state.partitions.get(tp).and_then(|p| p.leader) != Some(*b) {
                return None;
            }
            r.cells.iter().position(|c| c.msg == Some(msg)).map(|o| (*tp, o as u64))
        })
    };
    // A group whose committed offset is past it will not read it again; otherwise its
    // consumer was down or behind when the run ended.
    let committed_past = |t: Tp, o: u64| state.committed.iter().find(|((_, ctp), c)| *ctp == t && **c > o).map(|(_, c)| *c);
    let stored = run.tl.story(msg).iter().any(|e| matches!(e.kind, Kind::Append { .. }));
    let text = match in_log.then(|| at(true).or_else(|| at(false))).flatten() {
        Some((t, o)) => match committed_past(t, o) {
            Some(c) => td_string!(l, story_lost_committed_past, tp = tp(run, t), offset = o, committed = c).to_string(),
            None => td_string!(l, story_lost_in_log, tp = tp(run, t), offset = o).to_string(),
        },
        None if in_log => td_string!(l, story_lost_in_log_offline).to_string(),
        None if stored => td_string!(l, story_lost_gone).to_string(),
        None => td_string!(l, story_lost_never_stored).to_string(),
    };
    (end, text)
}

/// For a reordered message: the first message of its key, sent earlier, that it was
/// processed before (by a consumer of the same group), told at the time it was processed.
fn overtaken(l: Locale, run: &RunData, msg: MsgId) -> Option<(u64, String)> {
    let cfg = &run.out.cfg;
    let group = |c: u16| cfg.consumers.get(c as usize).map(|x| x.group.as_str());
    // First send and first apply per message (per group): one pass, maps, so a long run
    // stays one pass.
    let mut sends: std::collections::BTreeMap<MsgId, (u64, Option<u32>)> = Default::default();
    let mut first_apply: std::collections::BTreeMap<(MsgId, Option<&str>), u64> = Default::default();
    for e in &run.tl.events {
        match &e.kind {
            Kind::Send { msg: m, key, .. } => {
                sends.entry(*m).or_insert((e.t, *key));
            }
            Kind::Apply { c, msg: m, .. } => {
                first_apply.entry((*m, group(*c))).or_insert(e.t);
            }
            _ => {}
        }
    }
    let &(sent, key) = sends.get(&msg)?;
    key?;
    let (g, applied) = first_apply.iter().find(|((m, _), _)| *m == msg).map(|((_, g), t)| (*g, *t))?;
    let earlier = sends
        .iter()
        .filter(|(m, (t, k))| *t < sent && *k == key && **m != msg)
        .find(|(m, _)| first_apply.get(&(**m, g)).is_some_and(|t| *t > applied))
        .map(|(m, _)| *m)?;
    Some((applied, td_string!(l, story_overtook, other = run.msg_name(earlier)).to_string()))
}

/// Events that do not name the message but explain its fate: its producer crashing or
/// pausing while it waited for an answer, the end of its transaction, and for each
/// consumer that polled it, that consumer's crash, a reset of its position on the
/// partition, and the first commit of its group past the message's offset (an offset
/// committed before the message was processed is how auto-commit loses it).
fn context<'a>(run: &'a RunData, story: &[&'a Event], msg: MsgId) -> Vec<&'a Event> {
    let cfg = &run.out.cfg;
    let group_of = |c: u16| -> Option<&str> {
        let c = c as usize;
        match cfg.consumers.get(c) {
            Some(x) => Some(x.group.as_str()),
            None => cfg.processors.get(c - cfg.consumers.len()).map(|x| x.group.as_str()),
        }
    };
    let events = &run.tl.events;
    let first_after = |t: u64, pick: &dyn Fn(&Kind) -> bool| events[events.partition_point(|e| e.t < t)..].iter().find(|e| pick(&e.kind));
    let mut out: Vec<&Event> = Vec::new();
    let sent = story.iter().find_map(|e| match &e.kind {
        Kind::Send { p, .. } => Some((e.t, *p)),
        _ => None,
    });
    if let Some((t, p)) = sent {
        let answered = story.iter().filter(|e| matches!(e.kind, Kind::Ack { .. } | Kind::Fail { .. })).map(|e| e.t).max().unwrap_or(run.tl.end);
        if let Some(e) = first_after(t, &|k| matches!(k, Kind::ProducerCrash { p: x, .. } | Kind::ProducerPause { p: x, .. } if *x == p)) {
            if e.t <= answered {
                out.push(e);
            }
        }
        if let Some(tid) = cfg.producers.get(p as usize).and_then(|x| x.transactional_id.as_deref()) {
            use ackademy_engine::txn_coordinator::TxnState;
            out.extend(first_after(t, &|k| matches!(k, Kind::Txn { tid: x, state: TxnState::CompleteCommit | TxnState::CompleteAbort, .. } if &**x == tid)));
        }
    }
    for e in story {
        let Kind::Poll { c, inst, records, .. } = &e.kind else { continue };
        let Some(&(tp, offset, _)) = records.iter().find(|r| r.2 == msg) else { continue };
        let (c, inst) = (*c, *inst);
        let group = group_of(c);
        out.extend(first_after(e.t, &|k| matches!(k, Kind::ConsumerCrash { c: x, inst: i } if *x == c && *i == inst)));
        out.extend(first_after(e.t, &|k| match k {
            Kind::OffsetReset { c: x, inst: i, tp: t, .. } | Kind::TruncationDetected { c: x, inst: i, tp: t, .. } => *x == c && *i == inst && *t == tp,
            _ => false,
        }));
        out.extend(first_after(e.t, &|k| match k {
            Kind::Commit { c: x, offsets, ok: true, .. } => group_of(*x) == group && offsets.iter().any(|(t, o)| *t == tp && *o > offset),
            _ => false,
        }));
    }
    // Once each, whatever led to it (all are elements of one slice: address order is
    // event order).
    out.sort_by_key(|e| *e as *const Event as usize);
    out.dedup_by(|a, b| std::ptr::eq(*a, *b));
    out
}

fn drop_reason(l: Locale, r: DropReason) -> &'static str {
    match r {
        DropReason::LinkCut => td_string!(l, drop_link_cut),
        DropReason::TargetDown => td_string!(l, drop_target_down),
        DropReason::Fault => td_string!(l, drop_fault),
        DropReason::SenderGone => td_string!(l, drop_sender_gone),
    }
}

/// The last `n` events at or before `t` worth a line in the event log, oldest first.
pub fn recent(l: Locale, run: &RunData, t: u64, n: usize) -> Vec<(usize, u64, String)> {
    let upto = run.tl.events.partition_point(|e| e.t <= t);
    let mut out = Vec::with_capacity(n);
    for i in (0..upto).rev() {
        let e = &run.tl.events[i];
        if let Some(s) = describe(l, run, e, None) {
            out.push((i, e.t, s));
            if out.len() == n {
                break;
            }
        }
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_tells_of_the_lost_ack_and_the_retry() {
        let run = RunData::new(&crate::presets::get("lost-ack").expect("preset"), || 0.0).expect("runs");
        let m = *run.out.findings.duplicated.iter().next().expect("a duplicate");
        let lines: Vec<String> = story(Locale::en, &run, m).into_iter().map(|x| x.1).collect();
        let text = lines.join("\n");
        assert!(text.contains("answer (ack) to p1 was lost on the wire (injected fault)"), "{text}");
        assert!(text.contains("retries"), "{text}");
        assert_eq!(lines.iter().filter(|l| l.contains("c1 processed")).count(), 2, "{text}");
        assert!(fate(Locale::en, &run, m).starts_with("duplicated"));
    }

    #[test]
    fn a_message_lost_to_auto_commit_tells_of_the_commit_past_it_and_the_crash() {
        let run = RunData::new(&crate::presets::get("auto-commit-handoff").expect("preset"), || 0.0).expect("runs");
        let m = *run.out.findings.lost.iter().next().expect("a loss");
        let lines = story(Locale::en, &run, m);
        let text: String = lines.iter().map(|x| format!("{} {}\n", x.0, x.1)).collect();
        let at = |needle: &str| lines.iter().position(|x| x.1.contains(needle)).unwrap_or_else(|| panic!("{needle:?} in\n{text}"));
        let (polled, committed, crashed) = (at("polled"), at("committed"), at("crashed"));
        assert!(polled < committed && committed < crashed, "polled, then committed past it, then the crash:\n{text}");
    }

    #[test]
    fn a_reordered_message_names_the_earlier_one_it_overtook() {
        let run = RunData::new(&crate::presets::get("retries-overtake").expect("preset"), || 0.0).expect("runs");
        let m = *run.out.findings.reordered.iter().next().expect("a reordering");
        let text: String = story(Locale::en, &run, m).into_iter().map(|x| x.1 + "\n").collect();
        assert!(text.contains("was processed before p1-"), "{text}");
    }

    /// A key written twice in a locale file is silently overwritten by the second: every
    /// key appears once (the files keep one key per line).
    #[test]
    fn locale_keys_are_unique() {
        for (name, text) in [("en", include_str!("../locales/en.json")), ("ko", include_str!("../locales/ko.json"))] {
            let mut seen = std::collections::BTreeSet::new();
            for line in text.lines() {
                let Some(rest) = line.strip_prefix("  \"") else { continue };
                let Some((key, _)) = rest.split_once("\":") else { continue };
                assert!(seen.insert(key.to_string()), "{name}: {key:?} twice");
            }
            assert!(seen.len() > 100, "{name}: {} keys read", seen.len());
        }
    }

    #[test]
    fn a_lost_message_says_whether_it_is_still_in_the_log() {
        // Truncated away (the default scenario's isolated leader).
        let run = RunData::new(&crate::defaults::scenario(), || 0.0).expect("runs");
        let m = *run.out.findings.lost.iter().next().expect("a loss");
        let last = story(Locale::en, &run, m).pop().expect("a story").1;
        assert!(last.contains("in no partition's log: the log that held it was truncated"), "{last}");
        // Still in the log, never processed (auto-commit with handoff, then a crash).
        let run = RunData::new(&crate::presets::get("auto-commit-handoff").expect("preset"), || 0.0).expect("runs");
        let m = *run.out.findings.lost.iter().next().expect("a loss");
        let lines = story(Locale::en, &run, m);
        assert!(lines.iter().any(|x| x.1.contains("still in the log")), "{lines:?}");
        // Auto-commit moved the group's committed offset past it: said, not hedged.
        assert!(lines.iter().any(|x| x.1.contains("committed offset is 500, past it")), "{lines:?}");
    }

    /// A failed send is told once (the producer's `Fail`), not again as the error it
    /// surfaced to the application.
    #[test]
    fn a_failed_send_is_told_once() {
        let json = r#"{"version":1,"seed":1,"until_ms":200000,"cluster":{"brokers":3},
          "topics":[{"name":"t","partitions":1,"replication.factor":3,"min.insync.replicas":2}],
          "producers":[{"id":"p1","topic":"t","messages":20,"interval_ms":100,"config":{"acks":"all"}}],
          "faults":[{"at_ms":1000,"kind":"crash_broker","broker":0},{"at_ms":1000,"kind":"crash_broker","broker":1},
                    {"at_ms":1000,"kind":"crash_broker","broker":2}]}"#;
        let run = RunData::new(&ackademy_engine::parse_scenario(json).expect("valid"), || 0.0).expect("runs");
        assert!(run.out.report.failed > 0);
        let lines = story(Locale::en, &run, MsgId { producer: 0, index: 15 });
        let told = lines.iter().filter(|x| x.1.contains("REQUEST_TIMED_OUT")).count();
        assert_eq!(told, 1, "{lines:?}");
    }

    /// The audit's split of the lost (what the counts show) agrees with the stories.
    #[test]
    fn the_audit_splits_the_lost_into_in_a_log_and_in_none() {
        let run = RunData::new(&crate::defaults::scenario(), || 0.0).expect("runs");
        assert!(!run.out.findings.lost.is_empty());
        assert!(run.out.findings.lost_in_log.is_empty(), "the isolated leader's writes were truncated");
        let run = RunData::new(&crate::presets::get("auto-commit-handoff").expect("preset"), || 0.0).expect("runs");
        let f = &run.out.findings;
        assert!(!f.lost_in_log.is_empty() && f.lost_in_log.is_subset(&f.lost), "{f:?}");
        for m in &f.lost {
            let last = story(Locale::en, &run, *m).pop().expect("a story").1;
            assert_eq!(last.contains("still in the log"), f.lost_in_log.contains(m), "{last}");
            let fate = fate(Locale::en, &run, *m);
            assert_eq!(fate.contains("(still in the log, never processed)"), f.lost_in_log.contains(m), "{fate}");
            assert_eq!(fate.contains("(in no log"), !f.lost_in_log.contains(m), "{fate}");
        }
    }

    #[test]
    fn a_lost_message_tells_of_its_truncation() {
        let run = RunData::new(&crate::defaults::scenario(), || 0.0).expect("runs");
        let m = *run.out.findings.lost.iter().next().expect("a loss");
        let text: String = story(Locale::ko, &run, m).into_iter().map(|x| x.1 + "\n").collect();
        assert!(text.contains("잘라냄"), "{text}");
        assert!(fate(Locale::ko, &run, m).starts_with("유실"));
    }
}
