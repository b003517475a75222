//! A slab: values stored by slot, with slots reused and a generation counter
//! per slot so that a stale key never reaches the value that replaced it.
//!
//! Every component keeps its in-flight work (attempts, jobs, forwarded calls,
//! requests) in one of these, so memory follows the work in flight, never the
//! number of requests simulated, and nothing is allocated once the slab has
//! grown to the peak.

/// Names a value in a [`Slab`]: its slot and which occupant of the slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// Index of the slot.
    pub slot: u32,
    /// Incremented each time the slot is reused.
    pub generation: u32,
}

#[derive(Clone, Debug)]
struct Entry<T> {
    generation: u32,
    value: Option<T>,
}

/// Values by [`Key`], slots reused.
///
/// ```
/// use stratosim::slab::Slab;
/// let mut jobs = Slab::default();
/// let a = jobs.insert("first");
/// jobs.remove(a);
/// let b = jobs.insert("second");
/// assert_eq!(a.slot, b.slot); // the slot is reused…
/// assert_eq!(jobs.get(a), None); // …but the old key finds nothing
/// assert_eq!(jobs.get(b), Some(&"second"));
/// ```
#[derive(Clone, Debug)]
pub struct Slab<T> {
    entries: Vec<Entry<T>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            entries: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    /// Stores `value` and returns its key.
    pub fn insert(&mut self, value: T) -> Key {
        self.len += 1;
        if let Some(slot) = self.free.pop() {
            let e = &mut self.entries[slot as usize];
            e.generation = e.generation.wrapping_add(1);
            e.value = Some(value);
            Key {
                slot,
                generation: e.generation,
            }
        } else {
            let slot = u32::try_from(self.entries.len()).expect("fewer than 2^32 live entries");
            self.entries.push(Entry {
                generation: 0,
                value: Some(value),
            });
            Key {
                slot,
                generation: 0,
            }
        }
    }

    /// The value of `key`, unless it was removed.
    #[inline]
    pub fn get(&self, key: Key) -> Option<&T> {
        self.entries
            .get(key.slot as usize)
            .filter(|e| e.generation == key.generation)
            .and_then(|e| e.value.as_ref())
    }

    /// The value of `key`, unless it was removed.
    #[inline]
    pub fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        self.entries
            .get_mut(key.slot as usize)
            .filter(|e| e.generation == key.generation)
            .and_then(|e| e.value.as_mut())
    }

    /// The current occupant of `slot`, whatever its generation: for replies,
    /// which carry only the slot because each call is answered exactly once.
    #[inline]
    pub fn key_of(&self, slot: u32) -> Option<Key> {
        self.entries.get(slot as usize).and_then(|e| {
            e.value.as_ref().map(|_| Key {
                slot,
                generation: e.generation,
            })
        })
    }

    /// Removes and returns the current occupant of `slot`, whatever its
    /// generation (see [`Slab::key_of`]).
    #[inline]
    pub fn remove_slot(&mut self, slot: u32) -> Option<T> {
        let key = self.key_of(slot)?;
        self.remove(key)
    }

    /// Removes and returns the value of `key`.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        let e = self.entries.get_mut(key.slot as usize)?;
        if e.generation != key.generation {
            return None;
        }
        let value = e.value.take()?;
        self.free.push(key.slot);
        self.len -= 1;
        Some(value)
    }

    /// Number of values stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The stored values, in slot order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.entries.iter().filter_map(|e| e.value.as_ref())
    }

    /// The stored values, in slot order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.entries.iter_mut().filter_map(|e| e.value.as_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_keys_miss_and_slots_are_reused() {
        let mut s = Slab::default();
        let a = s.insert("a");
        let b = s.insert("b");
        assert_eq!(s.remove(a), Some("a"));
        assert_eq!(s.remove(a), None);
        let c = s.insert("c");
        assert_eq!(c.slot, a.slot);
        assert_eq!(s.get(a), None);
        assert_eq!(s.get(c), Some(&"c"));
        assert_eq!(s.key_of(c.slot), Some(c));
        assert_eq!(s.len(), 2);
        assert_eq!(s.values().copied().collect::<Vec<_>>(), vec!["c", "b"]);
        assert_eq!(s.get(b), Some(&"b"));
    }
}
