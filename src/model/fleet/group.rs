//! The fleet as an Auto Scaling group: it starts at its desired capacity,
//! measures the datapoints of its metric, and launches or terminates
//! instances until it has what the group's decisions
//! ([`super::autoscaling`]) ask for.

use std::collections::VecDeque;

use rand::RngExt;

use super::autoscaling::{Capacity, Group, GroupConfig};
use super::deploy::{DeployConfig, Deploying};
use super::{Fleet, FleetTimer, Life, SpotConfig};
use crate::engine::ActorId;
use crate::model::targets::TargetState;
use crate::model::{Ctx, Msg, datapoint_value};
use crate::rng::StreamRng;
use crate::settings::{LifecycleSpec, ScalingMetric, TerminationPolicy};
use crate::slab::Key;
use crate::stats::TimeAverage;
use crate::time::{SimDuration, SimTime};

/// How an EC2 fleet's instances come and go.
#[derive(Clone, Debug)]
pub struct ScalingConfig {
    /// The group (a fixed fleet that replaces failed instances is a group
    /// without a policy whose min, max and desired are its size).
    pub group: GroupConfig,
    /// Boot, health checks, draining, failures.
    pub lifecycle: LifecycleSpec,
    /// Instance slots: the most instances the group may ever have, twice
    /// (room for as many draining). Load balancers have one target per slot.
    pub slots: u32,
    /// A load balancer routes to the fleet: instances wait for their first
    /// health check before they serve.
    pub load_balanced: bool,
    /// The queue whose backlog `backlog_per_instance` divides.
    pub backlog_queue: Option<ActorId>,
    /// Some instances run on Spot.
    pub spot: Option<SpotConfig>,
    /// How many availability zones (at least one). Slot `i` is in zone
    /// `i % zones`.
    pub zones: u32,
    /// An Auto Scaling group: it launches the capacity a zone outage took
    /// into the other zones, and rebalances when the zone returns. A fixed
    /// fleet keeps each zone's share in its zone.
    pub rebalance: bool,
    /// How long a caller without a load balancer waits for a connection
    /// to an instance that is gone before the call fails.
    pub connect_timeout: SimDuration,
    /// Its deployments and patching, if any.
    pub deploy: Option<DeployConfig>,
}

/// The lifecycle state of a fleet in a group.
#[derive(Debug)]
pub(super) struct Scaling {
    pub(super) cfg: ScalingConfig,
    /// Boot times, failures, health check phases, terminations.
    pub(super) rng: StreamRng,
    pub(super) group: Group,
    pub(super) me: ActorId,
    /// Datapoints waiting out their publication delay, with the instances
    /// each was measured on.
    pub(super) datapoints: VecDeque<(Option<f64>, u32)>,
    pub(super) period_start: SimTime,
    /// Calls that reached the fleet this period (requests per target).
    pub(super) period_calls: u64,
    pub(super) in_service: TimeAverage,
    /// Workers of the instances that serve (in service or draining).
    pub(super) capacity: TimeAverage,
    pub(super) events: u64,
    /// Billed seconds of terminated launches, on demand and Spot: since
    /// time zero, and in the measured window.
    pub(super) ended_secs: [f64; 2],
    pub(super) ended_window_secs: [f64; 2],
    pub(super) window_start: SimTime,
    /// Spot interruption notices this interval.
    pub(super) interruptions: u64,
    /// Per zone, the zone outages in force (nested outages count).
    pub(super) zone_down: Vec<u32>,
    /// Instances a deployment runs above the desired capacity.
    pub(super) surge: u32,
    /// Deployments and patching.
    pub(super) deploy: Option<Deploying>,
}

impl Scaling {
    /// A group as `cfg` says, drawing its lifecycle's chances from `rng`.
    pub(super) fn new(mut cfg: ScalingConfig, rng: StreamRng) -> Self {
        let deploy = cfg.deploy.take().map(Deploying::new);
        Scaling {
            surge: 0,
            deploy,
            zone_down: vec![0; cfg.zones as usize],
            group: Group::new(cfg.group.clone()),
            cfg,
            rng,
            me: ActorId(0),
            datapoints: VecDeque::new(),
            period_start: SimTime::ZERO,
            period_calls: 0,
            in_service: TimeAverage::default(),
            capacity: TimeAverage::default(),
            events: 0,
            ended_secs: [0.0; 2],
            ended_window_secs: [0.0; 2],
            window_start: SimTime::ZERO,
            interruptions: 0,
        }
    }
}

impl Fleet {
    /// The group (of a fleet in one).
    pub(super) fn sc(&mut self) -> &mut Scaling {
        self.scaling.as_mut().expect("a scaling fleet")
    }

    /// Time zero: the initial desired capacity is in service, warm and
    /// registered (the group existed before the run); the group's clocks start.
    pub(super) fn start_group(&mut self, ctx: &mut Ctx<'_>) {
        let me = ctx.me();
        let now = ctx.now();
        let workers = self.cfg.workers;
        let sc = self.sc();
        sc.me = me;
        let desired = sc.group.desired;
        let period = sc.group.settings().period;
        let actions: Vec<SimTime> = sc.group.settings().scheduled.iter().map(|a| a.at).collect();
        for i in 0..desired {
            let spot = self.next_is_spot();
            let s = &mut self.servers[i as usize];
            s.spot = spot;
            s.life = Life::InService;
            s.launched = now;
            s.warm_from = now;
            s.busy_last = now;
            s.area_from = now;
            self.publish(i, TargetState::Healthy, ctx);
            self.schedule_failure(i, ctx);
            self.schedule_interruption(i, ctx);
        }
        self.direct = (0..desired)
            .map(|slot| Key {
                slot,
                generation: self.servers[slot as usize].generation,
            })
            .collect();
        let sc = self.sc();
        sc.in_service.set(now, u64::from(desired));
        sc.capacity.set(now, u64::from(desired * workers));
        ctx.schedule(period, FleetTimer::Period.into());
        for (i, at) in actions.into_iter().enumerate() {
            ctx.send_at(me, at, FleetTimer::Scheduled(i as u32).into());
        }
        self.schedule_deployments(ctx);
    }

    /// The instances the group keeps: its desired capacity and a
    /// deployment's surge.
    pub(super) fn target_size(&self) -> u32 {
        self.scaling
            .as_ref()
            .map_or(0, |sc| sc.group.desired + sc.surge)
    }

    /// Launches or terminates instances until the group has its desired
    /// capacity (launches wait for a free slot if every slot is taken).
    pub(super) fn reconcile(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let desired = self.target_size();
        // Without capacity rebalancing an interrupted instance is replaced
        // only once it is gone; a rebalancing launch (zones) counts once it
        // has replaced its instance.
        let waits = !self.sc().cfg.spot.as_ref().is_some_and(|p| p.rebalance);
        let live = self
            .servers
            .iter()
            .filter(|s| {
                (s.live() && s.replaces.is_none())
                    || (waits && s.interrupted && s.life == Life::Draining)
            })
            .count() as u32;
        if live < desired && self.sc().cfg.zones > 1 {
            for _ in live..desired {
                let Some(slot) = self.zoned_free_slot() else {
                    break;
                };
                self.launch(slot, now, ctx);
            }
        } else if live < desired && self.sc().zone_down[0] == 0 {
            // One zone: while it is out there is nowhere to launch (EC2
            // Auto Scaling launches only in the group's zones), so the
            // group has no capacity until the zone returns.
            let mut missing = desired - live;
            for i in 0..self.servers.len() {
                if missing == 0 {
                    break;
                }
                let s = &self.servers[i];
                // A slot still finishing the doomed work of a crashed
                // instance is not reused yet.
                if s.life == Life::Free && s.busy == 0 && s.queue.is_empty() {
                    self.launch(i as u32, now, ctx);
                    missing -= 1;
                }
            }
        } else if live > desired {
            for _ in desired..live {
                let Some(victim) = self.victim() else {
                    break;
                };
                match self.servers[victim as usize].life {
                    Life::InService => self.deregister(victim, ctx),
                    _ => self.terminate(victim, ctx),
                }
            }
        }
    }

    /// The instance a scale-in terminates, by the termination policy (in
    /// a zoned fleet, among those of the zone with the most instances).
    fn victim(&mut self) -> Option<u32> {
        let policy = self.sc().group.settings().termination;
        let mut live: Vec<u32> = (0..self.servers.len() as u32)
            .filter(|&i| self.servers[i as usize].live())
            .collect();
        if self.sc().cfg.zones > 1 {
            let counts = self.zone_counts();
            live.retain(|&i| self.servers[i as usize].replaces.is_none());
            let fullest = live
                .iter()
                .map(|&i| self.zone(i))
                .max_by_key(|&z| (counts[z as usize], u32::MAX - z));
            if let Some(z) = fullest {
                live.retain(|&i| self.zone(i) == z);
            }
        }
        if live.is_empty() {
            return None;
        }
        let launched = |i: &u32| (self.servers[*i as usize].launched, *i);
        match policy {
            TerminationPolicy::OldestInstance => live.iter().copied().min_by_key(launched),
            TerminationPolicy::NewestInstance => live.iter().copied().max_by_key(launched),
            TerminationPolicy::Default => {
                let k = self.sc().rng.random_range(0..live.len());
                Some(live[k])
            }
        }
    }

    /// What the group counts when a datapoint is evaluated at `now`.
    fn group_capacity(&self, now: SimTime) -> Capacity {
        let mut c = Capacity::default();
        for s in &self.servers {
            match s.life {
                Life::InService | Life::Registering => {
                    c.in_service += u32::from(s.life == Life::InService);
                    if s.warm_from > now {
                        c.scaling_out = true;
                    } else if !s.failed {
                        c.warm += 1;
                    }
                }
                Life::Booting => c.scaling_out = true,
                Life::Free | Life::Draining => {}
            }
        }
        c
    }

    /// A metric period ends: its datapoint is measured now and published
    /// after the metric delay.
    pub(super) fn period_end(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let workers = u128::from(self.cfg.workers);
        let metric = self.sc().group.metric();
        let start = self.sc().period_start;
        // CPU: the mean over the instances past their warm-up of each one's
        // busy share of the period (of the part it was in service).
        let mut cpu_sum = 0.0;
        let mut cpu_n = 0u32;
        let mut in_service = 0u32;
        for s in &mut self.servers {
            s.touch(now);
            if s.life == Life::InService {
                in_service += 1;
            }
            // The group sees every running instance, serving or not yet.
            if matches!(s.life, Life::InService | Life::Registering) {
                let from = s.area_from.max(start);
                if !s.failed && s.warm_from <= now && now > from {
                    // An application that is starting (loading, compiling,
                    // filling caches) keeps the CPU busy: what a warm-up
                    // shorter than the start lets into the metric.
                    let starting = s.app_up.min(now).0.saturating_sub(from.0);
                    let span = u128::from(now.since(from).0);
                    let busy = s.busy_area as f64 / workers as f64 + starting as f64;
                    cpu_sum += (busy / span as f64).min(1.0);
                    cpu_n += 1;
                }
            }
            s.busy_area = 0;
            s.area_from = now;
        }
        let per_instance = f64::from(in_service.max(1));
        let measured = if metric == Some(ScalingMetric::Cpu) {
            cpu_n
        } else {
            in_service.max(1)
        };
        let sc = self.sc();
        let value_of = |metric: ScalingMetric| match metric {
            ScalingMetric::Cpu => (cpu_n > 0).then(|| 100.0 * cpu_sum / f64::from(cpu_n)),
            ScalingMetric::RequestsPerTarget => Some(sc.period_calls as f64 / per_instance),
            ScalingMetric::BacklogPerInstance => {
                let backlog = sc
                    .cfg
                    .backlog_queue
                    .map_or(0, |q| ctx.world.targets.backlog(q));
                Some(backlog as f64 / per_instance)
            }
        };
        let value = metric.and_then(value_of);
        // The same datapoints reach the alarms on the group's metrics, as
        // CloudWatch publishes them: after the metric delay.
        let delay = sc.group.settings().metric_delay;
        let published: Vec<(ActorId, f64)> = ctx
            .world
            .group_alarms
            .of(sc.me)
            .map(|(m, alarm)| (alarm, datapoint_value(value_of(m))))
            .collect();
        sc.period_calls = 0;
        sc.period_start = now;
        let period = sc.group.settings().period;
        if metric.is_some() {
            sc.datapoints.push_back((value, measured));
            ctx.schedule(delay, FleetTimer::Datapoint.into());
        }
        for (alarm, value) in published {
            ctx.send(alarm, delay, Msg::Datapoint { value });
        }
        ctx.schedule(period, FleetTimer::Period.into());
        self.deploy_step(ctx);
    }

    /// An alarm invokes the group's scaling policy number `policy`.
    pub(super) fn scaling_policy(
        &mut self,
        policy: u32,
        value: Option<f64>,
        threshold: f64,
        ctx: &mut Ctx<'_>,
    ) {
        let cap = self.group_capacity(ctx.now());
        let Some(sc) = self.scaling.as_mut() else {
            return;
        };
        if sc.group.invoke(policy, value, threshold, cap) {
            sc.events += 1;
            self.reconcile(ctx);
        }
    }

    /// The oldest waiting datapoint reaches the alarms.
    pub(super) fn datapoint(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let cap = self.group_capacity(now);
        let sc = self.sc();
        let Some((value, measured)) = sc.datapoints.pop_front() else {
            return;
        };
        if sc.group.evaluate(value, measured, cap, now) {
            sc.events += 1;
            self.reconcile(ctx);
        }
    }

    pub(super) fn scheduled_action(&mut self, index: u32, ctx: &mut Ctx<'_>) {
        let sc = self.sc();
        let Some(action) = sc.group.settings().scheduled.get(index as usize).copied() else {
            return;
        };
        if sc.group.scheduled(&action) {
            sc.events += 1;
        }
        self.reconcile(ctx);
    }
}
