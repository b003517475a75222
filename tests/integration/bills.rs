//! Bills computed by hand, to the cent.

use crate::common::*;

#[test]
fn ec2_and_alb_bill_matches_hand_computation() {
    // 2 × c5.large for a 30-minute window, behind an ALB, at exactly 10
    // requests per second (constant arrivals).
    //   EC2: 2 × $0.085/h × 0.5 h                          = $0.0850
    //   ALB: 1 started hour × $0.0225                       = $0.0225
    //        LCUs: new connections 10/s ÷ 25/s = 0.4 LCU,
    //        processed bytes 10/s × 4096 B × 3600 s = 0.147 GB/h → 0.147 LCU,
    //        so 0.4 LCU × 0.5 h = 0.2 LCU-h × $0.008       = $0.0016
    //   total                                               = $0.1091
    let text = r#"
[scenario]
name = "bill"
duration = "30m"
seed = 1
[workload]
arrival = "constant"
rate = 10
[designs.d]
entry = "alb"
[designs.d.alb]
kind = "load_balancer"
targets = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
instances = 2
workers = 4
service_time = "10ms"
"#;
    let r = stratosim::run::simulate(&scenario(text), 0, 0);
    let app = component(&r, "app").cost_usd;
    let alb = component(&r, "alb").cost_usd;
    assert!((app - 0.085).abs() < 0.005, "EC2 {app}");
    assert!((alb - 0.0241).abs() < 0.005, "ALB {alb}");
    assert!(
        (app - 0.085).abs() < 1e-9,
        "EC2 to the cent and beyond: {app}"
    );
    assert!((alb - 0.0241).abs() < 1e-4, "ALB {alb}");
    assert!((r.cost_usd - 0.1091).abs() < 1e-4, "total {}", r.cost_usd);
    // 18,000 requests in 30 minutes: $0.1091 / 0.018 M ≈ $6.06 per million.
    assert!((r.cost_per_million() - 0.1091 / 0.018).abs() < 0.05);
}
