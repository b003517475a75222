//! Runs in parallel, results in order: worker threads do the runs, and the
//! calling thread takes each result in run order as soon as it and all
//! before it are done. Workers keep at most `window` runs ahead of the one
//! awaited, so memory stays bounded however many runs there are.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex, MutexGuard};

/// Why [`in_order`] stopped.
#[derive(Debug)]
pub enum Stopped<E> {
    /// `take` failed.
    Take(E),
    /// Work item `index` panicked, with this message.
    Panic {
        /// The item.
        index: usize,
        /// What the panic said.
        message: String,
    },
}

struct State<T> {
    /// The next item a worker takes.
    next: usize,
    /// Items taken by the caller so far.
    taken: usize,
    /// Finished items not yet taken.
    done: BTreeMap<usize, Result<T, String>>,
    /// The caller gave up: workers stop.
    stop: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Does `work(i)` for every `i` in `0..count` on `threads` threads and
/// hands each result to `take` in order of `i`, on the calling thread.
pub fn in_order<T: Send, E>(
    count: usize,
    threads: usize,
    window: usize,
    work: impl Fn(usize) -> T + Sync,
    mut take: impl FnMut(usize, T) -> Result<(), E>,
) -> Result<(), Stopped<E>> {
    let window = window.max(1);
    let state = Mutex::new(State {
        next: 0,
        taken: 0,
        done: BTreeMap::new(),
        stop: false,
    });
    let changed = Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut st = lock(&state);
                        loop {
                            if st.stop || st.next >= count {
                                return;
                            }
                            if st.next < st.taken + window {
                                break;
                            }
                            st = changed.wait(st).unwrap_or_else(|e| e.into_inner());
                        }
                        st.next += 1;
                        st.next - 1
                    };
                    let result = catch_unwind(AssertUnwindSafe(|| work(i))).map_err(|panic| {
                        panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "a panic".to_string())
                    });
                    lock(&state).done.insert(i, result);
                    changed.notify_all();
                }
            });
        }
        let outcome = (|| {
            for i in 0..count {
                let result = {
                    let mut st = lock(&state);
                    loop {
                        if let Some(r) = st.done.remove(&i) {
                            st.taken = i + 1;
                            break r;
                        }
                        st = changed.wait(st).unwrap_or_else(|e| e.into_inner());
                    }
                };
                changed.notify_all();
                match result {
                    Ok(t) => take(i, t).map_err(Stopped::Take)?,
                    Err(message) => return Err(Stopped::Panic { index: i, message }),
                }
            }
            Ok(())
        })();
        if outcome.is_err() {
            lock(&state).stop = true;
            changed.notify_all();
        }
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_come_in_order_and_no_further_ahead_than_the_window() {
        let started = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let r: Result<(), Stopped<()>> = in_order(
            200,
            4,
            3,
            |i| {
                started.fetch_add(1, Ordering::SeqCst);
                // Later items finish first.
                std::thread::sleep(std::time::Duration::from_micros(
                    ((200 - i) % 7) as u64 * 50,
                ));
                i * 2
            },
            |i, v| {
                assert_eq!(v, i * 2);
                // At most the window beyond what was taken has started.
                assert!(started.load(Ordering::SeqCst) <= i + 1 + 3);
                seen.push(i);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn a_failure_or_a_panic_stops_the_work() {
        let r = in_order(
            100,
            2,
            4,
            |i| i,
            |i, _| if i == 5 { Err("full") } else { Ok(()) },
        );
        assert!(matches!(r, Err(Stopped::Take("full"))));
        let r: Result<(), Stopped<()>> = in_order(
            10,
            2,
            4,
            |i| {
                assert!(i != 3, "run 3 broke");
                i
            },
            |_, _| Ok(()),
        );
        match r {
            Err(Stopped::Panic { index, message }) => {
                assert_eq!(index, 3);
                assert!(message.contains("run 3 broke"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
