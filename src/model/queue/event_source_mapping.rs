//! A Lambda consumer's event source mapping: pollers that scale with the
//! backlog, batching windows, and one invocation per batch.

use super::{Place, PollerTimer, Queue, QueueTimer, RECEIVE_MAX_MESSAGES};
use crate::engine::ActorId;
use crate::model::batch::BatchItem;
use crate::model::{Ctx, Msg, Outcome};
use crate::time::SimDuration;

/// Concurrent batches an SQS event source mapping starts with (AWS Lambda
/// developer guide, `services-sqs-scaling.html`; aws-facts.md §4.1).
pub const ESM_INITIAL_POLLERS: u32 = 5;

/// Concurrent batches it adds per minute while messages wait (same source).
pub const ESM_POLLERS_PER_MINUTE: u32 = 300;

/// Most concurrent batches of one mapping (same source; older docs: 1,250).
pub const ESM_MAX_POLLERS: u32 = 1000;

/// An event source mapping polls with long polling.
pub(super) const ESM_WAIT_TIME: SimDuration = SimDuration::from_secs(20);

/// Largest payload of one batch invocation: a mapping invokes early rather
/// than exceed it (AWS Lambda developer guide, "Batching behavior").
pub const ESM_MAX_BATCH_BYTES: u32 = 6 * 1024 * 1024;

impl Queue {
    /// Once a minute, an event source mapping adds pollers while messages
    /// wait for busy pollers, and sheds them while none do.
    pub(super) fn scale_pollers(&mut self, ctx: &mut Ctx<'_>) {
        let all = self.pollers.len() as u32;
        let before = self.active_pollers;
        // Messages visible while a poller waits or gathers are on their way
        // to it: only a backlog behind busy pollers calls for more, one that
        // held at least a message on average over the minute.
        let area = self.visible.area(ctx.now());
        let minute = SimDuration::from_secs(60).0 as u128;
        let backlog = area - self.visible_area_at_scaling >= minute;
        self.visible_area_at_scaling = area;
        if backlog && self.visible.level() > 0 && self.holding >= before {
            self.active_pollers = (before + ESM_POLLERS_PER_MINUTE).min(all);
            for p in before..self.active_pollers {
                if self.pollers[p as usize].parked {
                    self.pollers[p as usize].parked = false;
                    self.poll(p, ctx);
                }
            }
        } else {
            // Nothing waits: shed the pollers that had nothing to do this
            // minute (never below the initial scale). Pollers beyond the new
            // scale park at their next poll.
            self.active_pollers = self
                .holding_peak
                .max(ESM_INITIAL_POLLERS.min(all))
                .min(before);
        }
        self.holding_peak = self.holding;
        ctx.schedule(SimDuration::from_secs(60), QueueTimer::ScalePollers.into());
    }

    /// Messages in one batch: `batch_size`, and for an event source mapping
    /// no more than its payload limit allows.
    pub(super) fn batch_limit(&self) -> u32 {
        if self.cfg.consumer.is_some_and(|c| c.event_source_mapping) {
            let by_payload = ESM_MAX_BATCH_BYTES / self.cfg.message_bytes.max(1);
            self.cfg.batch_size.min(by_payload.max(1))
        } else {
            self.cfg.batch_size
        }
    }

    /// An event source mapping's poller opens a batching window: as AWS
    /// documents for SQS, the next window begins as soon as the previous
    /// invocation completes, whether or not messages wait.
    pub(super) fn open_window(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let closes = ctx.now() + self.cfg.batching_window;
        self.pollers[p as usize].window_closes = Some(closes);
        // Not tied to the poller's generation, which its receives bump.
        ctx.send_at(ctx.me(), closes, QueueTimer::WindowCloses(p).into());
    }

    /// The window closes: the batch goes to the function, or, with nothing
    /// gathered, the next window opens.
    pub(super) fn on_window_closed(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        if self.pollers[p as usize].batch.is_empty() {
            self.open_window(p, ctx);
        } else {
            self.deliver(p, ctx);
        }
    }

    /// An event source mapping invokes the function once with the batch's
    /// messages still in the queue.
    pub(super) fn invoke(&mut self, p: u32, function: ActorId, ctx: &mut Ctx<'_>) {
        let batch = ctx.world.batches.open(self.cfg.partial_batch_responses);
        let poller = &mut self.pollers[p as usize];
        let mut items = 0;
        for (tag, &(key, _)) in poller.batch.iter().enumerate() {
            let Some(m) = key
                .and_then(|key| self.messages.get_mut(key))
                .filter(|m| m.place != Place::Gone)
            else {
                continue;
            };
            m.processing += 1;
            if let Some(b) = ctx.world.batches.get_mut(batch) {
                b.items.push(BatchItem {
                    req: m.req,
                    tag: tag as u32,
                    done: false,
                });
            }
            items += 1;
        }
        poller.next = poller.batch.len() as u32;
        if items == 0 {
            // Every message left the queue while the batch was gathered.
            ctx.world.batches.close(batch);
            self.process_next(p, ctx);
            return;
        }
        let me = ctx.me();
        ctx.send(
            function,
            SimDuration::ZERO,
            Msg::InvokeBatch {
                batch,
                reply_to: me,
                token: p,
            },
        );
        self.pollers[p as usize].invocation = Some(batch);
    }

    /// The function answered a batch. A success deletes the items it
    /// processed, in DeleteMessageBatch calls of up to ten; the failed items
    /// (a partial batch response) stay. A failed invocation deletes
    /// nothing: the whole batch comes back when its visibility times out,
    /// though the items processed before the failure did their work.
    pub(super) fn on_batch_processed(&mut self, p: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let Some(batch) = self.pollers[p as usize].invocation.take() else {
            return;
        };
        let mut deletes = 0u32;
        for j in 0.. {
            let Some(item) = ctx.world.batches.get(batch).and_then(|b| b.items.get(j)) else {
                break;
            };
            let item = *item;
            let Some(&(Some(key), receipt)) = self.pollers[p as usize].batch.get(item.tag as usize)
            else {
                continue;
            };
            if item.done {
                let delete = outcome.is_ok();
                self.processed(key, receipt, delete, ctx);
                deletes += u32::from(delete);
            } else {
                self.processing_failed(key, ctx);
            }
        }
        ctx.world.batches.close(batch);
        if deletes == 0 {
            self.process_next(p, ctx);
        } else {
            self.bill(u64::from(deletes.div_ceil(RECEIVE_MAX_MESSAGES)));
            let msg = self.poller_timer(p, PollerTimer::DeleteDone);
            self.after_latency(msg, ctx);
        }
    }
}
