//! Which swept keys change a design's results. A sweep over an EC2 fleet's
//! size leaves a serverless design alone: its runs are the same at every
//! point, and naming it "instances = 13" would say something untrue. A key
//! varies for a design when two sweep points that differ only in that key
//! give the design different results.

use std::collections::HashMap;

/// The axes (indices into each point's values) along which `results`
/// changes: `points[i]` holds sweep point i's values, one per axis, and
/// `results[i]` what the design gave there (`None` where it has no row).
/// Linear in the points: each point is compared with the first one that
/// shares its values on every other axis.
pub fn varying_axes<T: PartialEq>(points: &[Vec<String>], results: &[Option<T>]) -> Vec<usize> {
    let axes = points.first().map_or(0, Vec::len);
    (0..axes)
        .filter(|&axis| {
            let mut first: HashMap<Vec<&str>, usize> = HashMap::new();
            points.iter().enumerate().any(|(i, values)| {
                let others: Vec<&str> = values
                    .iter()
                    .enumerate()
                    .filter(|(a, _)| *a != axis)
                    .map(|(_, v)| v.as_str())
                    .collect();
                let j = *first.entry(others).or_insert(i);
                match (&results[i], &results[j]) {
                    (Some(a), Some(b)) => a != b,
                    _ => false,
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Vec<Vec<String>> {
        let mut points = Vec::new();
        for instances in ["13", "14"] {
            for memory in ["512", "1024"] {
                points.push(vec![instances.to_string(), memory.to_string()]);
            }
        }
        points
    }

    #[test]
    fn only_the_keys_that_change_results_vary() {
        let points = grid();
        // Results depend on memory alone (a serverless design in a sweep
        // over an EC2 key and its own memory).
        let serverless: Vec<Option<u32>> = points.iter().map(|p| Some(p[1].len() as u32)).collect();
        assert_eq!(varying_axes(&points, &serverless), vec![1]);
        // Results the same everywhere: nothing varies.
        assert!(varying_axes(&points, &[Some(1); 4]).is_empty());
        // Results that differ at every point: both keys vary.
        let both: Vec<Option<usize>> = (0..4).map(Some).collect();
        assert_eq!(varying_axes(&points, &both), vec![0, 1]);
        // No sweep: no axis.
        assert!(varying_axes::<u32>(&[Vec::new()], &[Some(1)]).is_empty());
    }
}
