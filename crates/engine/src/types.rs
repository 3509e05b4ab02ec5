//! Small identifiers shared by every part of the model.

use serde::Serialize;

pub type BrokerId = u32;

/// A topic-partition: indices into the resolved topic list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Tp {
    pub topic: u16,
    pub partition: u16,
}

/// A logical message: message `index` of scenario producer `producer` (id `"{p}-{index}"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MsgId {
    pub producer: u16,
    pub index: u32,
}

/// Anything that sends or receives over the simulated network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    Broker(BrokerId),
    /// The KRaft controller quorum (never fails in this model).
    Controller,
    /// A producer instance: scenario producer index, instance number.
    Producer(u16, u16),
    /// A consumer instance: scenario consumer index, instance number.
    Consumer(u16, u16),
    /// A stream processor instance.
    Processor(u16, u16),
    /// The group coordinator (consumer groups' offsets and membership).
    Coordinator,
}

impl Node {
    pub fn is_broker(&self) -> bool {
        matches!(self, Node::Broker(_))
    }
}
