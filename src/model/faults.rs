//! The faults in force on one component: outages and slowdowns.

use crate::settings::FaultKind;

/// Tracks which of a component's faults are active. Faults may overlap:
/// outages nest, slowdown factors multiply.
#[derive(Clone, Debug)]
pub struct FaultState {
    /// `(index in the scenario, kind)` of every fault that targets the component.
    kinds: Vec<(u32, FaultKind)>,
    active: Vec<u32>,
    outages: u32,
    factor: f64,
}

/// No fault targets the component (a slowdown factor of 1, not 0).
impl Default for FaultState {
    fn default() -> Self {
        FaultState::new(Vec::new())
    }
}

impl FaultState {
    /// The state of a component that the given faults target.
    pub fn new(kinds: Vec<(u32, FaultKind)>) -> Self {
        FaultState {
            kinds,
            active: Vec::new(),
            outages: 0,
            factor: 1.0,
        }
    }

    /// Applies fault `index` starting (`start`) or ending. Returns true when
    /// this starts an outage (callers then fail the work they hold).
    pub fn apply(&mut self, index: u32, start: bool) -> bool {
        let Some(&(_, kind)) = self.kinds.iter().find(|(i, _)| *i == index) else {
            return false;
        };
        if start {
            self.active.push(index);
        } else if let Some(pos) = self.active.iter().position(|&i| i == index) {
            self.active.swap_remove(pos);
        } else {
            return false;
        }
        self.outages = 0;
        self.factor = 1.0;
        for i in &self.active {
            match self.kinds.iter().find(|(j, _)| j == i).map(|k| k.1) {
                Some(FaultKind::Outage) => self.outages += 1,
                Some(FaultKind::Slowdown { factor }) => self.factor *= factor,
                // The fleet itself keeps a zone outage (see `zone_of`).
                Some(FaultKind::ZoneOutage { .. }) | None => {}
            }
        }
        start && kind == FaultKind::Outage
    }

    /// The zone that fault `index` takes down, if it is a zone outage of
    /// this component.
    pub fn zone_of(&self, index: u32) -> Option<u32> {
        match self.kinds.iter().find(|(i, _)| *i == index)?.1 {
            FaultKind::ZoneOutage { zone } => Some(zone),
            _ => None,
        }
    }

    /// True while an outage is in force: calls fail fast.
    #[inline]
    pub fn is_down(&self) -> bool {
        self.outages > 0
    }

    /// The product of the active slowdown factors (1 when none).
    #[inline]
    pub fn slowdown(&self) -> f64 {
        self.factor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_faults_combine() {
        let mut f = FaultState::new(vec![
            (0, FaultKind::Outage),
            (3, FaultKind::Slowdown { factor: 2.0 }),
            (5, FaultKind::Slowdown { factor: 3.0 }),
        ]);
        assert!(!f.apply(3, true));
        assert!(!f.apply(5, true));
        assert_eq!(f.slowdown(), 6.0);
        assert!(f.apply(0, true));
        assert!(f.is_down());
        f.apply(0, false);
        f.apply(3, false);
        assert!(!f.is_down());
        assert_eq!(f.slowdown(), 3.0);
        // A fault of another component changes nothing.
        assert!(!f.apply(9, true));
    }
}
