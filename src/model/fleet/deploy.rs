//! Deployments and patching: a fleet in a group replaces its instances by
//! instances of a new release, by one of the Elastic Beanstalk and
//! CodeDeploy policies, and deploys the previous release back when an
//! alarm it follows goes into ALARM.
//!
//! A deployment works in steps, each taken when no instance of the target
//! release is still booting or waiting for its first health check: it
//! takes instances of other releases out (an instance in service is
//! deregistered and drains, as on scale-in) and sets the group's surge,
//! the instances it runs above its desired capacity; the group's
//! reconciliation launches what is missing, and every launch runs the
//! release being deployed. So the replacements boot and pass their health
//! checks as any launch does, and they are billed as any launch is.
//!
//! - `all_at_once`: every old instance out at once; N launches.
//! - `rolling`: a batch out, its replacements launched, the next batch
//!   once they are in service.
//! - `rolling_with_additional_batch`: a batch launched first (surge b);
//!   then each step takes a batch out while the surge shrinks to what is
//!   left, so N instances stay in service.
//! - `immutable`: N launched beside the old (surge N), which go out once
//!   the new ones are all in service.
//! - `blue_green`: as immutable, but the new instances are held out of
//!   traffic once healthy; when all are, traffic shifts to them at once.
//!
//! Patching is a rolling deployment of the release in service (patched
//! instances replace the unpatched). A deployment due while another runs
//! waits for it to end.

use std::collections::VecDeque;

use rand::RngExt;

use super::{Fleet, FleetTimer, Life};
use crate::engine::ActorId;
use crate::model::Ctx;
use crate::rng::StreamRng;
use crate::settings::{BatchSize, DeployPolicy, PatchingSpec, Release};
use crate::time::{SimDuration, SimTime};

/// One deployment of a fleet.
#[derive(Clone, Debug)]
pub struct DeploymentConfig {
    /// When it starts.
    pub at: SimTime,
    /// How the instances are replaced.
    pub policy: DeployPolicy,
    /// Instances per batch (`rolling` policies).
    pub batch_size: BatchSize,
    /// What the new release runs.
    pub release: Release,
    /// The alarm whose going into ALARM rolls the release back.
    pub rollback_on: Option<ActorId>,
}

/// A fleet's deployments and patching.
#[derive(Clone, Debug)]
pub struct DeployConfig {
    /// In the order they are due.
    pub deployments: Vec<DeploymentConfig>,
    /// Recurring rolling replacements.
    pub patching: Option<PatchingSpec>,
    /// Which calls a bad release fails: a stream of its own, so that
    /// service times stay those of the same fleet without deployments.
    pub rng: StreamRng,
}

/// What starts a deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Deployment number `n` of the fleet.
    Deployment(u32),
    /// A patching.
    Patch,
}

/// The deployment under way.
#[derive(Clone, Copy, Debug)]
struct Active {
    /// The release it puts in service.
    target: u32,
    policy: DeployPolicy,
    batch: BatchSize,
    /// `rolling_with_additional_batch`: the extra batch was launched.
    extra_launched: bool,
}

/// A release in service that an alarm may roll back.
#[derive(Clone, Copy, Debug)]
struct Armed {
    alarm: ActorId,
    release: u32,
    previous: u32,
    policy: DeployPolicy,
    batch: BatchSize,
}

/// A fleet's deployment state.
#[derive(Debug)]
pub(super) struct Deploying {
    cfg: DeployConfig,
    /// What each release runs: release 0 is the fleet's own.
    releases: Vec<Release>,
    /// The release launches run.
    pub(super) current: u32,
    active: Option<Active>,
    /// Deployments due while another ran, in order.
    waiting: VecDeque<Due>,
    armed: Vec<Armed>,
    /// A deployment was under way at some time in this interval.
    deployed_in_interval: bool,
    /// Rollbacks started this interval.
    rollbacks: u64,
    /// A step is being taken (an instance it puts in service does not
    /// start another).
    stepping: bool,
}

impl Deploying {
    /// The state of a fleet that will deploy as `cfg` says.
    pub(super) fn new(cfg: DeployConfig) -> Self {
        Deploying {
            cfg,
            releases: vec![Release::default()],
            current: 0,
            active: None,
            waiting: VecDeque::new(),
            armed: Vec::new(),
            deployed_in_interval: false,
            rollbacks: 0,
            stepping: false,
        }
    }

    /// What release `r` runs.
    pub(super) fn release(&self, r: u32) -> &Release {
        &self.releases[r as usize]
    }

    /// Whether a call served by release `r` fails (a bad release's draw).
    pub(super) fn fails(&mut self, r: u32) -> bool {
        let rate = self.releases[r as usize].error_rate;
        rate > 0.0 && self.cfg.rng.random_range(0.0..1.0) < rate
    }

    /// Launches of the release being deployed by `blue_green` are held
    /// out of traffic until the whole new fleet is healthy.
    pub(super) fn holds_launches(&self) -> bool {
        self.active
            .is_some_and(|a| a.policy == DeployPolicy::BlueGreen && a.target == self.current)
    }

    /// Instances in service on the release launches run.
    pub(super) fn on_current(&self, servers: &[super::Server]) -> usize {
        servers
            .iter()
            .filter(|s| s.life == Life::InService && !s.failed && s.release == self.current)
            .count()
    }

    /// The interval's metrics: a deployment was under way in it, and the
    /// rollbacks started; both reset.
    pub(super) fn take_interval(&mut self) -> (bool, u64) {
        let deployed = self.deployed_in_interval || self.active.is_some();
        self.deployed_in_interval = false;
        (deployed, std::mem::take(&mut self.rollbacks))
    }
}

/// Where the instances stand against the target release.
struct Census {
    /// Live instances of the target release in service (or healthy and
    /// held out of traffic).
    ready: u32,
    /// Live instances of the target release still booting or registering.
    pending: u32,
    /// Live instances of other releases, oldest first.
    old: Vec<u32>,
}

impl Fleet {
    fn deploying(&mut self) -> &mut Deploying {
        self.sc().deploy.as_mut().expect("a fleet that deploys")
    }

    /// Time zero: the deployments and the first patching are scheduled.
    pub(super) fn schedule_deployments(&mut self, ctx: &mut Ctx<'_>) {
        let me = ctx.me();
        let Some(d) = self.sc().deploy.as_ref() else {
            return;
        };
        let times: Vec<SimTime> = d.cfg.deployments.iter().map(|x| x.at).collect();
        let first_patch = d.cfg.patching.map(|p| p.first);
        for (i, at) in times.into_iter().enumerate() {
            ctx.send_at(me, at, FleetTimer::Deploy(Due::Deployment(i as u32)).into());
        }
        if let Some(first) = first_patch {
            ctx.schedule(first, FleetTimer::Deploy(Due::Patch).into());
        }
    }

    /// A deployment or a patching is due: it starts, or waits for the one
    /// under way.
    pub(super) fn deployment_due(&mut self, due: Due, ctx: &mut Ctx<'_>) {
        if due == Due::Patch
            && let Some(p) = self.deploying().cfg.patching
        {
            ctx.schedule(p.every, FleetTimer::Deploy(Due::Patch).into());
        }
        let d = self.deploying();
        if d.active.is_some() {
            d.waiting.push_back(due);
            return;
        }
        self.start_deployment(due, ctx);
    }

    fn start_deployment(&mut self, due: Due, ctx: &mut Ctx<'_>) {
        let d = self.deploying();
        let previous = d.current;
        let (policy, batch, release, rollback_on) = match due {
            Due::Deployment(n) => {
                let c = &d.cfg.deployments[n as usize];
                let mut release = c.release.clone();
                // A release that sets no service time keeps the one in
                // service.
                if release.service_time.is_none() {
                    release.service_time = d.releases[previous as usize].service_time.clone();
                }
                (c.policy, c.batch_size, release, c.rollback_on)
            }
            Due::Patch => {
                let batch = d.cfg.patching.map_or(BatchSize::Count(1), |p| p.batch_size);
                let release = d.releases[previous as usize].clone();
                (DeployPolicy::Rolling, batch, release, None)
            }
        };
        d.releases.push(release);
        let target = (d.releases.len() - 1) as u32;
        // A patch of a release an alarm may roll back keeps it armed.
        for a in d.armed.iter_mut().filter(|a| a.release == previous) {
            if due == Due::Patch {
                a.release = target;
            }
        }
        if let Some(alarm) = rollback_on {
            d.armed.push(Armed {
                alarm,
                release: target,
                previous,
                policy,
                batch,
            });
        }
        self.begin(target, policy, batch, ctx);
    }

    /// Starts putting release `target` in service.
    fn begin(&mut self, target: u32, policy: DeployPolicy, batch: BatchSize, ctx: &mut Ctx<'_>) {
        let d = self.deploying();
        d.current = target;
        d.deployed_in_interval = true;
        d.active = Some(Active {
            target,
            policy,
            batch,
            extra_launched: false,
        });
        self.sc().surge = 0;
        self.deploy_step(ctx);
    }

    /// An alarm the fleet follows changed state: into ALARM, it rolls back
    /// the release it guards if that release is still in service.
    pub(super) fn alarm_changed(&mut self, alarm: ActorId, in_alarm: bool, ctx: &mut Ctx<'_>) {
        if !in_alarm || self.sc().deploy.is_none() {
            return;
        }
        let d = self.deploying();
        let current = d.current;
        let Some(i) = d
            .armed
            .iter()
            .position(|a| a.alarm == alarm && a.release == current)
        else {
            return;
        };
        let a = d.armed.remove(i);
        d.rollbacks += 1;
        // The deployment under way (the bad one) is abandoned.
        d.active = None;
        self.begin(a.previous, a.policy, a.batch, ctx);
    }

    fn census(&self, target: u32) -> Census {
        let mut c = Census {
            ready: 0,
            pending: 0,
            old: Vec::new(),
        };
        for (i, s) in self.servers.iter().enumerate() {
            if !s.live() || s.replaces.is_some() {
                continue;
            }
            if s.release != target {
                c.old.push(i as u32);
            } else if s.life == Life::InService || s.ready {
                c.ready += 1;
            } else {
                c.pending += 1;
            }
        }
        c.old
            .sort_by_key(|&i| (self.servers[i as usize].launched, i));
        c
    }

    /// The next step of the deployment under way, once no launch of its
    /// release is still on its way.
    pub(super) fn deploy_step(&mut self, ctx: &mut Ctx<'_>) {
        let Some(active) = self
            .scaling
            .as_ref()
            .and_then(|sc| sc.deploy.as_ref())
            .filter(|d| !d.stepping)
            .and_then(|d| d.active)
        else {
            return;
        };
        self.deploying().stepping = true;
        self.step(active, ctx);
        // Direct callers (no load balancer) keep the addresses they know:
        // an in-place deployment (all at once, rolling) replaces the
        // application behind them; a fixed fleet's replacement takes over
        // the address as its relaunch does. An Auto Scaling group's new
        // instances of the other policies are new addresses they never learn.
        let in_place = matches!(
            active.policy,
            DeployPolicy::AllAtOnce | DeployPolicy::Rolling
        );
        if in_place || !self.sc().cfg.rebalance {
            self.hand_over_direct(active.target);
        }
        self.deploying().stepping = false;
    }

    fn step(&mut self, active: Active, ctx: &mut Ctx<'_>) {
        // Launches of another release that serve nothing yet (a deployment
        // rolled back while they booted) are of no use: they go at once.
        let census = self.census(active.target);
        for &i in &census.old {
            if self.servers[i as usize].life != Life::InService {
                self.terminate(i, ctx);
            }
        }
        let census = self.census(active.target);
        if census.pending > 0 {
            return;
        }
        let size = self.sc().group.desired;
        let old = census.old.len() as u32;
        if old == 0 || census.ready >= size {
            // Every instance runs the release, or enough do: traffic
            // shifts to the new ones, the others go.
            self.release_held(ctx);
            for &i in &census.old {
                self.take_out(i, ctx);
            }
            self.sc().surge = 0;
            self.end_deployment(ctx);
            return;
        }
        let batch = active.batch.of(size);
        match active.policy {
            DeployPolicy::AllAtOnce => {
                for &i in &census.old {
                    self.take_out(i, ctx);
                }
            }
            DeployPolicy::Rolling => {
                for &i in census.old.iter().take(batch as usize) {
                    self.take_out(i, ctx);
                }
            }
            DeployPolicy::RollingWithAdditionalBatch => {
                if active.extra_launched {
                    let out = batch.min(old);
                    for &i in census.old.iter().take(out as usize) {
                        self.take_out(i, ctx);
                    }
                    self.sc().surge = batch.min(old - out);
                } else {
                    self.sc().surge = batch;
                    if let Some(a) = self.deploying().active.as_mut() {
                        a.extra_launched = true;
                    }
                }
            }
            DeployPolicy::Immutable | DeployPolicy::BlueGreen => {
                self.sc().surge = old;
            }
        }
        self.reconcile(ctx);
    }

    /// Takes an instance of an old release out: in service, it is
    /// deregistered and drains; not yet, it is terminated.
    fn take_out(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        match self.servers[server as usize].life {
            Life::InService => self.deregister(server, ctx),
            Life::Booting | Life::Registering => self.terminate(server, ctx),
            Life::Draining | Life::Free => {}
        }
    }

    /// Blue/green: the new instances held out of traffic enter service.
    fn release_held(&mut self, ctx: &mut Ctx<'_>) {
        for i in 0..self.servers.len() as u32 {
            let s = &mut self.servers[i as usize];
            if s.held {
                let ready = s.ready;
                s.held = false;
                s.ready = false;
                if ready {
                    self.enter_service(i, ctx);
                }
            }
        }
    }

    fn end_deployment(&mut self, ctx: &mut Ctx<'_>) {
        let d = self.deploying();
        d.active = None;
        if let Some(next) = d.waiting.pop_front() {
            self.start_deployment(next, ctx);
        }
    }

    /// The work of a call on `server`: its release's service time, if it
    /// has its own.
    pub(super) fn release_service_time(&mut self, server: u32) -> Option<SimDuration> {
        // The deployment first: most fleets have none, and then no server
        // is looked at.
        let d = self.scaling.as_ref()?.deploy.as_ref()?;
        let release = self.servers[server as usize].release;
        let dist = d.release(release).service_time.as_ref()?;
        Some(dist.sample(&mut self.rng))
    }

    /// Whether the call just served on `server` fails (a bad release).
    pub(super) fn release_fails(&mut self, server: u32) -> bool {
        let Some(d) = self.scaling.as_mut().and_then(|sc| sc.deploy.as_mut()) else {
            return false;
        };
        d.fails(self.servers[server as usize].release)
    }
}
