//! `kind = "api_gateway"` → an [`ApiGateway`] at its type's price per
//! request.

use super::site::{Site, actor_of};
use crate::catalog;
use crate::model::api_gateway::{ApiGateway, ApiGatewayConfig};
use crate::scenario::{ApiGatewaySpec, ApiType};

/// The gateway of `a`.
pub(super) fn assemble(a: &ApiGatewaySpec, site: &Site<'_>) -> ApiGateway {
    let prices = &catalog::builtin().api_gateway;
    let per_million = match a.api_type {
        ApiType::Http => prices.http_per_million.value,
        ApiType::Rest => prices.rest_per_million.value,
    };
    ApiGateway::new(
        ApiGatewayConfig {
            targets: a.targets.iter().map(|&t| actor_of(t)).collect(),
            rate: a.rate,
            burst: f64::from(a.burst),
            timeout: a.timeout,
            latency: a.latency.clone(),
            per_request: per_million / 1e6,
        },
        site.stream(),
        site.faults(),
    )
}
