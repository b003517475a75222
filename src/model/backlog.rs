//! A backlog that grows without bound is a finding, not a crash: past its
//! limit a component refuses more work, and the run ends there as unstable
//! at this load, within bounded memory.

use crate::engine::ActorId;
use crate::model::Ctx;
use crate::time::SimTime;

/// Where and when a run became unstable: the first component whose backlog
/// reached its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow {
    /// The component.
    pub actor: ActorId,
    /// When its backlog reached the limit.
    pub at: SimTime,
}

/// Whether the backlog of the component handling the message, `backlog`
/// with the new work, has reached `limit`; the first time a component's
/// does, the world records it (the run then ends). The caller refuses the
/// work when it has.
pub fn reached(ctx: &mut Ctx<'_>, backlog: usize, limit: u32) -> bool {
    if backlog < limit as usize {
        return false;
    }
    if ctx.world.overflow.is_none() {
        ctx.world.overflow = Some(Overflow {
            actor: ctx.me(),
            at: ctx.now(),
        });
    }
    true
}
