//! The instance lifecycle: launch, boot, health checks, service,
//! deregistration and draining, failures and their detection, termination.

use rand::RngExt;

use super::{Fleet, FleetTimer, InstanceTimer, Life};
use crate::model::targets::TargetState;
use crate::model::{Ctx, Msg, Outcome};
use crate::slab::Key;
use crate::time::{SimDuration, SimTime};

impl Fleet {
    /// Sets `timer` of the instance now in slot `server`, due after `delay`.
    pub(super) fn lifecycle_timer(
        &self,
        timer: InstanceTimer,
        server: u32,
        delay: SimDuration,
        ctx: &mut Ctx<'_>,
    ) {
        let instance = Key {
            slot: server,
            generation: self.servers[server as usize].generation,
        };
        ctx.schedule(delay, FleetTimer::Instance(instance, timer).into());
    }

    /// The slot of a lifecycle timer, if the instance it was set for still
    /// occupies it.
    fn current(&self, key: Key) -> Option<u32> {
        let s = self.servers.get(key.slot as usize)?;
        (s.generation == key.generation && s.life != Life::Free).then_some(key.slot)
    }

    pub(super) fn publish(&self, server: u32, state: TargetState, ctx: &mut Ctx<'_>) {
        if let Some(sc) = &self.scaling
            && ctx.world.targets.publish(sc.me, server, state)
        {
            let mut i = 0;
            while let Some(queue) = ctx.world.targets.watcher(sc.me, i) {
                ctx.send(
                    queue,
                    SimDuration::ZERO,
                    Msg::InstancePolls { instance: server },
                );
                i += 1;
            }
        }
    }

    pub(super) fn launch(&mut self, server: u32, now: SimTime, ctx: &mut Ctx<'_>) {
        let spot = self.next_is_spot();
        let s = &mut self.servers[server as usize];
        s.life = Life::Booting;
        s.spot = spot;
        s.interrupted = false;
        s.replaces = None;
        s.failed = false;
        s.generation = s.generation.wrapping_add(1);
        s.launched = now;
        let (release, held) = self
            .scaling
            .as_ref()
            .and_then(|sc| sc.deploy.as_ref())
            .map_or((0, false), |d| (d.current, d.holds_launches()));
        let s = &mut self.servers[server as usize];
        s.release = release;
        s.held = held;
        s.ready = false;
        if !self.sc().cfg.rebalance {
            self.recovered(server);
        }
        let sc = self.sc();
        let boot = sc.cfg.lifecycle.boot_time.sample(&mut sc.rng);
        self.lifecycle_timer(InstanceTimer::Booted, server, boot, ctx);
        self.schedule_interruption(server, ctx);
    }

    fn booted(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        if self.servers[server as usize].life != Life::Booting {
            return;
        }
        let now = ctx.now();
        let load_balanced = self.sc().cfg.load_balanced;
        let sc = self.sc();
        // Running: in service for the group, whose warm-up counts from
        // now, though the application may still be starting and nothing
        // reaches it until it answers its first health check. A warm-up
        // shorter than that start lets idle instances into the CPU average.
        let warm_from = now + sc.group.settings().warmup;
        let start = sc.cfg.lifecycle.start_time.sample(&mut sc.rng);
        let delay = if load_balanced {
            // Health checks begin at a phase of their own; the first that
            // finds the application up makes the target healthy.
            let interval = sc.cfg.lifecycle.health_check.interval;
            let phase = interval.mul_f64(sc.rng.random_range(0.0..1.0));
            let checks = start.0.saturating_sub(phase.0).div_ceil(interval.0.max(1));
            phase + SimDuration(checks * interval.0)
        } else {
            start
        };
        let s = &mut self.servers[server as usize];
        s.life = Life::Registering;
        s.warm_from = warm_from;
        s.app_up = now + start;
        s.touch(now);
        s.busy_area = 0;
        s.area_from = now;
        if load_balanced {
            self.publish(server, TargetState::Initial, ctx);
        }
        self.lifecycle_timer(InstanceTimer::Healthy, server, delay, ctx);
    }

    pub(super) fn enter_service(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let workers = u64::from(self.cfg.workers);
        let s = &mut self.servers[server as usize];
        if s.failed || s.life != Life::Registering {
            return;
        }
        if s.held {
            // Blue/green: healthy, out of traffic until the shift.
            s.ready = true;
            self.deploy_step(ctx);
            return;
        }
        s.life = Life::InService;
        let sc = self.sc();
        let level = sc.in_service.level();
        sc.in_service.set(now, level + 1);
        let cap = sc.capacity.level();
        sc.capacity.set(now, cap + workers);
        self.publish(server, TargetState::Healthy, ctx);
        self.schedule_failure(server, ctx);
        if let Some((old, generation)) = self.servers[server as usize].replaces.take() {
            let o = &self.servers[old as usize];
            if o.generation == generation && o.life == Life::InService && !o.failed {
                self.deregister(old, ctx);
            }
        }
        self.deploy_step(ctx);
    }

    /// Scale-in: the instance stops taking new work and finishes what it
    /// holds, within the deregistration delay.
    pub(super) fn deregister(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let delay = self.sc().cfg.lifecycle.deregistration_delay;
        self.deregister_within(server, delay, ctx);
    }

    /// The instance stops taking new work and finishes what it holds
    /// within `delay`.
    pub(super) fn deregister_within(&mut self, server: u32, delay: SimDuration, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let workers = u64::from(self.cfg.workers);
        let s = &mut self.servers[server as usize];
        let was = s.life;
        s.life = Life::Draining;
        let idle = s.busy == 0 && s.queue.is_empty();
        let sc = self.sc();
        if was == Life::InService {
            let level = sc.in_service.level();
            sc.in_service.set(now, level.saturating_sub(1));
        } else {
            // A draining instance's workers count as serving until it is
            // terminated (an in-service one's already do).
            let cap = sc.capacity.level();
            sc.capacity.set(now, cap + workers);
        }
        self.publish(server, TargetState::Draining, ctx);
        if idle {
            self.terminate(server, ctx);
        } else {
            self.lifecycle_timer(InstanceTimer::DrainDeadline, server, delay, ctx);
        }
    }

    /// The deregistration delay is over: what is still in flight fails.
    fn drain_deadline(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        if self.servers[server as usize].life == Life::Draining {
            self.fail_server_work(server, ctx);
            self.terminate(server, ctx);
            self.reconcile(ctx);
        }
    }

    pub(super) fn schedule_failure(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let sc = self.sc();
        if let Some(mtbf) = sc.cfg.lifecycle.mtbf {
            // Exponential lifetimes: failures without memory, at rate 1/mtbf.
            let u: f64 = sc.rng.random_range(0.0..1.0);
            let life = mtbf.mul_f64(-(1.0 - u).ln());
            self.lifecycle_timer(InstanceTimer::Fail, server, life, ctx);
        }
    }

    /// The instance crashes: its work fails, and so does every call routed
    /// to it until the health checks notice.
    pub(super) fn fail(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let s = &mut self.servers[server as usize];
        if s.failed || !s.serves() {
            return;
        }
        s.failed = true;
        self.fail_server_work(server, ctx);
        let sc = self.sc();
        let hc = sc.cfg.lifecycle.health_check;
        // The next check comes at a uniform phase of the interval; the
        // target is unhealthy when the `unhealthy_threshold`-th failing
        // check has timed out.
        let phase = hc.interval.mul_f64(sc.rng.random_range(0.0..1.0));
        let more = SimDuration(hc.interval.0 * u64::from(hc.unhealthy_threshold - 1));
        self.lifecycle_timer(
            InstanceTimer::Detected,
            server,
            phase + more + hc.timeout,
            ctx,
        );
    }

    /// The health checks found the crash: the group terminates the
    /// instance and launches a replacement.
    fn detected(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        self.publish(server, TargetState::Unhealthy, ctx);
        let life = self.servers[server as usize].life;
        if life == Life::InService {
            let now = ctx.now();
            let sc = self.sc();
            let level = sc.in_service.level();
            sc.in_service.set(now, level.saturating_sub(1));
        }
        self.terminate(server, ctx);
        self.reconcile(ctx);
    }

    /// Queued calls of `server` fail now; those in service fail when their
    /// worker lets go.
    pub(super) fn fail_server_work(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        while let Some(key) = self.servers[server as usize].queue.pop_front() {
            self.queued.decr(now);
            if let Some(job) = self.jobs.remove(key) {
                self.answer(job.call, Outcome::Unavailable, job.arrived, ctx);
            }
        }
        for job in self.jobs.values_mut() {
            if job.server == server {
                job.doomed = true;
            }
        }
        self.end_connection_waiters(server, ctx);
    }

    /// The instance is gone: its bill closes and the slot is free.
    pub(super) fn terminate(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let workers = u64::from(self.cfg.workers);
        let s = &mut self.servers[server as usize];
        let was = s.life;
        let launched = s.launched;
        let bill = usize::from(s.spot);
        s.life = Life::Free;
        s.failed = false;
        s.interrupted = false;
        s.replaces = None;
        s.generation = s.generation.wrapping_add(1);
        let total = self.billed_secs(launched, now, SimTime::ZERO);
        let window_start = self.sc().window_start;
        let window = (now > window_start).then(|| self.billed_secs(launched, now, window_start));
        let sc = self.sc();
        sc.ended_secs[bill] += total;
        if let Some(secs) = window {
            sc.ended_window_secs[bill] += secs;
        }
        if matches!(was, Life::InService | Life::Draining) {
            let cap = sc.capacity.level();
            sc.capacity.set(now, cap.saturating_sub(workers));
        }
        self.publish(server, TargetState::Absent, ctx);
        self.close_pools(server, ctx);
    }

    /// A timer of the instance in `instance` (its slot and generation): it
    /// still concerns the instance in the slot, or it is stale.
    pub(super) fn instance_event(
        &mut self,
        instance: Key,
        timer: InstanceTimer,
        ctx: &mut Ctx<'_>,
    ) {
        let Some(server) = self.current(instance) else {
            return;
        };
        match timer {
            InstanceTimer::Booted => self.booted(server, ctx),
            InstanceTimer::Healthy => self.enter_service(server, ctx),
            InstanceTimer::DrainDeadline => self.drain_deadline(server, ctx),
            InstanceTimer::Fail => self.fail(server, ctx),
            InstanceTimer::Detected => self.detected(server, ctx),
            InstanceTimer::Interrupt => self.interrupt(server, ctx),
        }
    }
}
