//! "Did you mean …?" suggestions for misspelt keys, names and values.
//!
//! Uses the optimal-string-alignment variant of the Damerau–Levenshtein
//! distance, so a swap of two neighbouring letters (`wrokers` → `workers`),
//! the commonest typo, costs one edit rather than two.

/// The candidate closest to `word`, if it is close enough to be a plausible
/// typo: at most `max(2, len/3)` edits away, where `len` is the length of
/// `word` in characters. Ties go to the candidate that comes first, so the
/// answer is deterministic for a given order. Returns `None` when nothing is
/// close; a candidate equal to `word` is returned (distance zero).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.chars().collect();
    let limit = (word.len() / 3).max(2);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let chars: Vec<char> = candidate.chars().collect();
        // Cheap reject: the length difference alone is a lower bound.
        if chars.len().abs_diff(word.len()) > limit {
            continue;
        }
        let d = distance(&word, &chars);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and transpositions of adjacent characters each cost one.
fn distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    // Three rolling rows: two back (for transpositions), previous, current.
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        distance(&a, &b)
    }

    #[test]
    fn distances() {
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("wrokers", "workers"), 1);
        assert_eq!(d("ca", "abc"), 3);
        assert_eq!(d("µs", "us"), 1);
    }

    #[test]
    fn suggests_transpositions_and_typos() {
        let keys = ["instances", "workers", "service_time", "calls", "sends"];
        assert_eq!(nearest("wrokers", keys), Some("workers"));
        assert_eq!(nearest("instnces", keys), Some("instances"));
        assert_eq!(nearest("servicetime", keys), Some("service_time"));
        assert_eq!(nearest("call", keys), Some("calls"));
        assert_eq!(nearest("workers", keys), Some("workers"));
    }

    #[test]
    fn refuses_distant_words() {
        let keys = ["instances", "workers"];
        assert_eq!(nearest("banana", keys), None);
        assert_eq!(nearest("x", ["abcdef"]), None);
        assert_eq!(nearest("anything", std::iter::empty()), None);
    }

    #[test]
    fn limit_grows_with_length() {
        // 12 characters allow 4 edits; 6 characters allow only 2.
        assert_eq!(
            nearest("abcdefghijkl", ["abcdwxyzijkl"]),
            Some("abcdwxyzijkl")
        );
        assert_eq!(nearest("abcdef", ["abcxyz"]), None);
        assert_eq!(nearest("abcdef", ["abcdyz"]), Some("abcdyz"));
    }

    #[test]
    fn ties_go_to_the_first_candidate() {
        assert_eq!(nearest("cat", ["bat", "hat", "cut"]), Some("bat"));
        assert_eq!(nearest("cat", ["hat", "bat"]), Some("hat"));
    }
}
