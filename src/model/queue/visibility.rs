//! Visibility: visible messages by FIFO group, receives that make them
//! invisible for the visibility timeout, and their return when it ends.

use std::collections::VecDeque;

use rand::RngExt;

use super::{Place, Queue, QueueTimer, RECEIVE_MAX_MESSAGES};
use crate::model::Ctx;
use crate::slab::Key;

#[derive(Clone, Debug, Default)]
pub(super) struct Group {
    pub(super) visible: VecDeque<Key>,
    pub(super) in_flight: u32,
    /// Listed in `ready_groups`.
    pub(super) listed: bool,
    /// One past the highest `seq` whose work is done (0: none yet), for
    /// counting work done out of sending order.
    pub(super) done_up_to: u64,
}

impl Queue {
    /// Puts a message among the visible ones: at the back, or for a FIFO
    /// redelivery back in its place by sending order (order within a group
    /// holds even when a whole batch comes back).
    pub(super) fn make_visible(&mut self, key: Key, redelivery: bool, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(m) = self.messages.get_mut(key) else {
            return;
        };
        m.place = Place::Visible;
        m.visible_since = now;
        let (g, seq) = (m.group, m.seq);
        let fifo = self.cfg.fifo;
        let messages = &self.messages;
        let group = &mut self.groups[g as usize];
        if fifo && redelivery {
            let at = group
                .visible
                .partition_point(|k| messages.get(*k).is_none_or(|m| m.seq < seq));
            group.visible.insert(at, key);
        } else {
            group.visible.push_back(key);
        }
        self.visible.incr(now);
        self.publish_backlog(ctx);
        self.list_if_ready(g);
    }

    fn list_if_ready(&mut self, g: u32) {
        let fifo = self.cfg.fifo;
        let group = &mut self.groups[g as usize];
        let locked = fifo && group.in_flight > 0;
        if !group.listed && !locked && !group.visible.is_empty() {
            group.listed = true;
            self.ready_groups.push_back(g);
        }
    }

    /// The next visible message of group `g`, skipping messages that
    /// expired while visible.
    fn pop_visible(&mut self, g: u32) -> Option<Key> {
        while let Some(key) = self.groups[g as usize].visible.pop_front() {
            if self
                .messages
                .get(key)
                .is_some_and(|m| m.place == Place::Visible)
            {
                return Some(key);
            }
        }
        None
    }

    fn unlist_front(&mut self) {
        if let Some(g) = self.ready_groups.pop_front() {
            self.groups[g as usize].listed = false;
        }
    }

    /// Receives visible messages for poller `p`, making them in flight and
    /// adding them to what it holds, up to a full batch; returns how many.
    /// A FIFO batch takes as many messages of one group as it can, then goes
    /// on to other groups; a group with a message in flight is locked to
    /// everyone else until it has none.
    pub(super) fn take(&mut self, p: u32, ctx: &mut Ctx<'_>) -> u32 {
        let fifo = self.cfg.fifo;
        let room = self
            .batch_limit()
            .saturating_sub(self.pollers[p as usize].batch.len() as u32);
        let mut n = 0u32;
        let mut current = None;
        while n < room {
            let Some(&g) = self.ready_groups.front() else {
                break;
            };
            let locked = fifo && current != Some(g) && self.groups[g as usize].in_flight > 0;
            let key = if locked { None } else { self.pop_visible(g) };
            let Some(key) = key else {
                self.unlist_front();
                continue;
            };
            current = Some(g);
            self.receive(key, p, ctx);
            n += 1;
            if fifo && (n == room || self.groups[g as usize].visible.is_empty()) {
                self.unlist_front();
            }
        }
        if n > 0 {
            self.count(|t| t.received += u64::from(n));
            // One ReceiveMessage per ten messages, each billed by its
            // payload in 64 KiB chunks.
            let mut left = n;
            while left > 0 {
                let k = left.min(RECEIVE_MAX_MESSAGES);
                let bytes = f64::from(k) * f64::from(self.cfg.message_bytes);
                self.bill((bytes / self.cfg.chunk_bytes).ceil().max(1.0) as u64);
                left -= k;
            }
        }
        n
    }

    /// Message `key` is received into poller `p`'s batch.
    pub(super) fn receive(&mut self, key: Key, p: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(m) = self.messages.get_mut(key) else {
            return;
        };
        self.visible.decr(now);
        m.receives += 1;
        m.receipt = m.receipt.wrapping_add(1);
        m.place = Place::InFlight {
            deadline: now + self.cfg.visibility_timeout,
        };
        let waited = now.since(m.visible_since);
        let (req, receipt, g) = (m.req, m.receipt, m.group);
        self.publish_backlog(ctx);
        self.groups[g as usize].in_flight += 1;
        self.in_flight += 1;
        if now >= self.window_start {
            self.waits.record(waited);
        }
        ctx.schedule_fixed(
            self.cfg.visibility_timeout,
            QueueTimer::Visibility(key).into(),
        );
        self.pollers[p as usize].batch.push((Some(key), receipt));
        if self.cfg.duplicate_probability > 0.0
            && self.rng.random::<f64>() < self.cfg.duplicate_probability
        {
            // At-least-once delivery: a copy stays behind, to be received
            // and processed again. It carries no work of its own.
            self.store(req, true, false, ctx);
        }
    }

    pub(super) fn on_visibility_timeout(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(m) = self.messages.get(key) else {
            return;
        };
        let Place::InFlight { deadline } = m.place else {
            return;
        };
        if now < deadline {
            return; // received again since: a later timer stands
        }
        let (g, receives) = (m.group, m.receives);
        self.leave_flight(g);
        if self.cfg.max_receives.is_some_and(|max| receives >= max) {
            self.dead_letter(key, ctx);
        } else {
            self.make_visible(key, true, ctx);
            self.wake_waiting(ctx);
        }
    }

    pub(super) fn leave_flight(&mut self, g: u32) {
        let group = &mut self.groups[g as usize];
        group.in_flight -= 1;
        self.in_flight -= 1;
        self.list_if_ready(g);
    }
}
