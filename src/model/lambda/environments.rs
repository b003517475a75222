//! Execution environments: provisioned ones, cold starts, the warm pool,
//! reclaim after the keep-alive, and the concurrency they hold.

use super::invocations::Phase;
use super::{Lambda, LambdaTimer};
use crate::model::downstream::Used;
use crate::model::{Ctx, Outcome, schedule_drawn};
use crate::slab::Key;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EnvState {
    Initializing,
    Busy,
    Idle,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Env {
    pub(super) state: EnvState,
    pub(super) provisioned: bool,
    /// Counts reuses, so that a reclaim timer of an earlier idle spell is stale.
    pub(super) idle_spell: u32,
    /// The invocation it is running or starting for.
    pub(super) invocation: Option<Key>,
    /// The databases (bits of the downstream's `databases`) it holds a
    /// connection to: opened on its first call to each, held until it is
    /// reclaimed (a connection made outside the handler lives with the
    /// environment).
    pub(super) connections: u64,
}

impl Env {
    /// A new environment in `state`, `provisioned` or not.
    pub(super) fn new(state: EnvState, provisioned: bool) -> Self {
        Env {
            state,
            provisioned,
            idle_spell: 0,
            invocation: None,
            connections: 0,
        }
    }
}

impl Lambda {
    /// Provisioned environments start initialised at time zero.
    pub(super) fn start_provisioned(&mut self, ctx: &mut Ctx<'_>) {
        for _ in 0..self.cfg.provisioned {
            let key = self.envs.insert(Env::new(EnvState::Idle, true));
            self.idle_provisioned.push(key);
        }
        self.environments
            .set(ctx.now(), u64::from(self.cfg.provisioned));
    }

    /// Is there concurrency left for one more invocation: under the
    /// reserved concurrency, or in the account's unreserved pool?
    pub(super) fn has_concurrency(&self, ctx: &Ctx<'_>) -> bool {
        match self.cfg.reserved {
            Some(c) => self.concurrency.level() < u64::from(c),
            None => ctx.world.lambda_pool.in_use < ctx.world.lambda_pool.limit,
        }
    }

    /// The environment now serves invocation `inv`: one more unit of
    /// concurrency in use.
    pub(super) fn occupy(&mut self, env: Key, inv: Key, state: EnvState, ctx: &mut Ctx<'_>) {
        if let Some(e) = self.envs.get_mut(env) {
            e.state = state;
            e.invocation = Some(inv);
            e.idle_spell = e.idle_spell.wrapping_add(1);
        }
        self.concurrency.incr(ctx.now());
        if self.cfg.reserved.is_none() {
            ctx.world.lambda_pool.in_use += 1;
        }
    }

    /// The environment is free again: idle (kept warm), or destroyed after
    /// a timeout (`reset`).
    pub(super) fn release(&mut self, env: Key, reset: bool, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.concurrency.decr(now);
        if self.cfg.reserved.is_none() {
            let pool = &mut ctx.world.lambda_pool;
            pool.in_use = pool.in_use.saturating_sub(1);
        }
        let Some(e) = self.envs.get_mut(env) else {
            return;
        };
        e.invocation = None;
        if reset && !e.provisioned {
            self.destroy(env, ctx);
            return;
        }
        e.state = EnvState::Idle;
        e.idle_spell = e.idle_spell.wrapping_add(1);
        if e.provisioned {
            self.idle_provisioned.push(env);
        } else {
            self.idle.push(env);
            let reclaim = LambdaTimer::Reclaim {
                env: env.slot,
                idle_spell: self.envs.get(env).map_or(0, |e| e.idle_spell),
            };
            schedule_drawn(ctx, &self.cfg.keep_alive, &mut self.rng, reclaim.into());
        }
    }

    fn destroy(&mut self, env: Key, ctx: &mut Ctx<'_>) {
        if let Some(e) = self.envs.remove(env) {
            self.environments.decr(ctx.now());
            self.close_connections(e.connections, ctx);
            self.cfg.downstream.end_session(env.slot, ctx);
        }
    }

    /// Closes the connections of the bit set `held`.
    fn close_connections(&self, held: u64, ctx: &mut Ctx<'_>) {
        let mut bits = held;
        while bits != 0 {
            let db = bits.trailing_zeros() as u8;
            self.cfg.downstream.disconnect(db, 1, ctx);
            bits &= bits - 1;
        }
    }

    /// The call of invocation `inv` that just ended with `outcome`: a
    /// connection it opened belongs to its environment from now on (or is
    /// closed, when a timeout has already reclaimed the environment).
    pub(super) fn connection_used(&mut self, inv: Key, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let Some(i) = self.invocations.get(inv) else {
            return;
        };
        if let Some(Used::Opened(db)) = self.cfg.downstream.used(&i.progress, outcome) {
            match self.envs.get_mut(i.env) {
                Some(e) if i.phase != Phase::Abandoned => e.connections |= 1 << db,
                _ => self.close_connections(1 << db, ctx),
            }
        }
    }

    /// The keep-alive of the environment in slot `env` is over: it is
    /// reclaimed if it is still idle in the spell `idle_spell`.
    pub(super) fn on_reclaim(&mut self, env: u32, idle_spell: u32, ctx: &mut Ctx<'_>) {
        let Some(env) = self.envs.key_of(env) else {
            return;
        };
        let Some(e) = self.envs.get(env) else {
            return;
        };
        if e.state == EnvState::Idle && e.idle_spell == idle_spell && !e.provisioned {
            self.destroy(env, ctx);
        }
    }
}
