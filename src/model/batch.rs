//! Batches of queue messages handed to a function in one invocation (an SQS
//! event source mapping). The queue fills a batch, the function processes
//! its items one after another and marks each done, and the queue reads the
//! marks when the invocation answers, to delete what succeeded.
//!
//! Batches live in the [`World`](super::world::World) because both sides
//! read them; their buffers are recycled, so that a run allocates only until
//! it reaches its peak of batches in flight.

use super::requests::RequestId;
use crate::slab::{Key, Slab};

/// One message of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchItem {
    /// The request whose work the message carries.
    pub req: RequestId,
    /// The queue's own reference to the message (opaque to the function).
    pub tag: u32,
    /// The function processed it successfully.
    pub done: bool,
}

/// The messages of one invocation.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// In the order the handler processes them.
    pub items: Vec<BatchItem>,
    /// The mapping reports item failures (`ReportBatchItemFailures`): the
    /// handler goes on past a failed item and the function succeeds, naming
    /// the failures; otherwise the first failure fails the whole invocation.
    pub partial_failures: bool,
}

/// The batches in flight, with spare buffers for the next ones.
#[derive(Debug, Default)]
pub struct Batches {
    open: Slab<Batch>,
    spare: Vec<Batch>,
}

impl Batches {
    /// A new empty batch.
    pub fn open(&mut self, partial_failures: bool) -> Key {
        let mut batch = self.spare.pop().unwrap_or_default();
        batch.partial_failures = partial_failures;
        self.open.insert(batch)
    }

    /// The batch `key`, if still open.
    pub fn get(&self, key: Key) -> Option<&Batch> {
        self.open.get(key)
    }

    /// The batch `key` to change, if still open.
    pub fn get_mut(&mut self, key: Key) -> Option<&mut Batch> {
        self.open.get_mut(key)
    }

    /// Closes the batch: its buffer is kept for a later batch.
    pub fn close(&mut self, key: Key) {
        if let Some(mut batch) = self.open.remove(key) {
            batch.items.clear();
            self.spare.push(batch);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_batch_lends_its_buffer_and_its_key_goes_stale() {
        let mut batches = Batches::default();
        let a = batches.open(false);
        let item = BatchItem {
            req: Key {
                slot: 7,
                generation: 0,
            },
            tag: 0,
            done: false,
        };
        batches.get_mut(a).unwrap().items.extend([item; 4]);
        batches.close(a);
        assert!(batches.get(a).is_none());
        let b = batches.open(true);
        let batch = batches.get(b).unwrap();
        assert!(batch.items.is_empty() && batch.items.capacity() >= 4);
        assert!(batch.partial_failures);
    }
}
