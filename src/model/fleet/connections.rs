//! Database connections, on both sides of a call.
//!
//! As a caller, each instance keeps a pool per database with a
//! connection limit: a call takes a free pooled connection, or opens one
//! while the pool has fewer than `pool_size`, or waits for one to be free;
//! connections stay open until the instance is terminated. As a database
//! with `max_connections`, a call that opens a connection past the limit
//! is refused at once ("too many connections").

use super::{Fleet, FleetTimer};
use crate::metric::Metric;
use crate::model::downstream::{Connection, Used};
use crate::model::{Call, Ctx, Outcome};
use crate::slab::Key;
use crate::stats::IntervalSink;
use crate::time::SimTime;

/// An instance's connections to one database.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Pool {
    /// Open, whether in use or free.
    open: u32,
    /// In use by a call.
    in_use: u32,
    /// Being opened by a call.
    opening: u32,
}

/// What the pool `pools[db]` has for a call, taking it: a free
/// connection, or room to open one, or nothing yet.
pub(super) fn take_connection(pools: &mut Vec<Pool>, db: u8, pool_size: u32) -> Connection {
    let db = db as usize;
    if pools.len() <= db {
        pools.resize(db + 1, Pool::default());
    }
    let p = &mut pools[db];
    if p.open > p.in_use {
        p.in_use += 1;
        Connection::Held
    } else if p.open + p.opening < pool_size {
        p.opening += 1;
        Connection::Open
    } else {
        Connection::Wait
    }
}

impl Fleet {
    /// As a database: a call that opens a connection is refused past the
    /// limit (the error counted), else holds one more connection. Returns
    /// false when it was refused.
    pub(super) fn connect(&mut self, call: Call, now: SimTime, ctx: &mut Ctx<'_>) -> bool {
        let Some(max) = self.cfg.max_connections else {
            return true;
        };
        if self.connections_open >= max {
            self.connection_errors += 1;
            self.answer(call, Outcome::Throttled, now, ctx);
            return false;
        }
        self.connections_open += 1;
        true
    }

    /// As a database: a caller closed `count` connections.
    pub(super) fn disconnected(&mut self, count: u32) {
        self.connections_open = self.connections_open.saturating_sub(count);
    }

    /// As a database with a limit: its connections and refusals this interval.
    pub(super) fn sample_connections(&mut self, out: &mut IntervalSink<'_>) {
        if self.cfg.max_connections.is_some() {
            out.put(Metric::Connections, f64::from(self.connections_open));
            out.put(
                Metric::ConnectionErrors,
                std::mem::take(&mut self.connection_errors) as f64,
            );
        }
    }

    /// As a caller: the call of job `key` that just ended with `outcome`
    /// gives its connection back to the pool, or adds the one it opened.
    /// A job whose instance failed or was terminated closes what it opened.
    pub(super) fn connection_used(&mut self, key: Key, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let Some(job) = self.jobs.get(key) else {
            return;
        };
        let Some(used) = self.cfg.downstream.used(&job.progress, outcome) else {
            return;
        };
        let (server, doomed) = (job.server as usize, job.doomed);
        let pools = &mut self.servers[server].pools;
        let db = match used {
            Used::Held(db) | Used::Opened(db) | Used::Refused(db) => db as usize,
        };
        if pools.len() <= db {
            pools.resize(db + 1, Pool::default());
        }
        let p = &mut pools[db];
        match used {
            Used::Held(_) => p.in_use = p.in_use.saturating_sub(1),
            Used::Opened(_) if doomed => {
                p.opening = p.opening.saturating_sub(1);
                self.cfg.downstream.disconnect(db as u8, 1, ctx);
            }
            Used::Opened(_) => {
                p.opening = p.opening.saturating_sub(1);
                p.open += 1;
            }
            Used::Refused(_) => p.opening = p.opening.saturating_sub(1),
        }
    }

    /// Jobs of instance `server` waiting for a connection try again, in
    /// order, while connections are free or may be opened.
    pub(super) fn wake_connection_waiters(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let pool_size = self.cfg.pool_size;
        while let Some(&key) = self.servers[server as usize].conn_waiting.front() {
            let Some(job) = self.jobs.get_mut(key) else {
                self.servers[server as usize].conn_waiting.pop_front();
                continue;
            };
            let req = job.call.req;
            let pools = &mut self.servers[server as usize].pools;
            let issued = self
                .cfg
                .downstream
                .issue(&mut job.progress, req, key.slot, ctx, |db| {
                    take_connection(pools, db, pool_size)
                });
            if !issued {
                return;
            }
            self.servers[server as usize].conn_waiting.pop_front();
        }
    }

    /// Instance `server` failed or went: the jobs it had waiting for a
    /// connection end now (they are doomed with its other work).
    pub(super) fn end_connection_waiters(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        while let Some(key) = self.servers[server as usize].conn_waiting.pop_front() {
            if let Some(job) = self.jobs.get_mut(key) {
                job.doomed = true;
                ctx.schedule(Default::default(), FleetTimer::ServiceDone(key).into());
            }
        }
    }

    /// Instance `server` is terminated: its pooled connections close, and
    /// its session with any database proxy.
    pub(super) fn close_pools(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let pools = std::mem::take(&mut self.servers[server as usize].pools);
        for (db, p) in pools.iter().enumerate() {
            self.cfg.downstream.disconnect(db as u8, p.open, ctx);
        }
        self.cfg.downstream.end_session(server, ctx);
    }
}
