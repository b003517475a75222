//! `kind = "api_gateway"` → an [`ApiGateway`] at its type's price per
//! request.

use super::site::{Site, actor_of, tiers};
use crate::model::api_gateway::{ApiGateway, ApiGatewayConfig};
use crate::scenario::{ApiGatewaySpec, ApiType};

/// The gateway of `a`.
pub(super) fn assemble(a: &ApiGatewaySpec, site: &Site<'_>) -> ApiGateway {
    let prices = &site.catalog().api_gateway;
    let (per_million, monthly) = match a.api_type {
        ApiType::Http => (
            prices.http_per_million.value,
            prices
                .http_tiers_calls
                .tiers(&prices.http_tier_prices_per_million),
        ),
        ApiType::Rest => (
            prices.rest_per_million.value,
            prices
                .rest_tiers_calls
                .tiers(&prices.rest_tier_prices_per_million),
        ),
    };
    ApiGateway::new(
        ApiGatewayConfig {
            targets: a.targets.iter().map(|&t| actor_of(t)).collect(),
            rate: a.rate,
            burst: f64::from(a.burst),
            timeout: a.timeout,
            latency: a.latency.clone(),
            per_request: per_million / 1e6,
            monthly_per_request: tiers(monthly, per_million, 1e6),
            month: site.month(),
        },
        site.stream(),
        site.faults(),
    )
}
