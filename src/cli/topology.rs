//! Each design's components and links, as `manifest.json` records them for
//! the diagram: the one place the scenario's specs become the output's
//! plain names, so that `output/` never reads a spec.

use crate::output::manifest::{DesignTopology, TopologyComponent, TopologyLink};
use crate::scenario::{ComponentId, Design};

/// The topology of `design`: its components in the scenario's order, and
/// each component's links in the order its spec lists them.
pub fn of(design: &Design) -> DesignTopology {
    let name = |id: ComponentId| design.components[id.0].name.clone();
    DesignTopology {
        design: design.name.clone(),
        entry: name(design.entry),
        components: design
            .components
            .iter()
            .map(|c| TopologyComponent {
                name: c.name.clone(),
                kind: c.spec.kind_name().to_string(),
            })
            .collect(),
        links: design
            .components
            .iter()
            .flat_map(|c| {
                c.spec.links().into_iter().map(|(to, kind)| TopologyLink {
                    from: c.name.clone(),
                    to: name(to),
                    kind: kind.to_string(),
                })
            })
            .collect(),
    }
}
